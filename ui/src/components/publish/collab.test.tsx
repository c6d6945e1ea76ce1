import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ConflictRow } from "../../bindings/ConflictRow";
import type { PublishPreview } from "../../bindings/PublishPreview";
import type { PublishedBundle } from "../../bindings/PublishedBundle";
import type { PullReport } from "../../bindings/PullReport";
import type { EnvironmentStatus } from "../../api/publish";
import { parseEdited, setLastPull, standingSentence } from "../../api/publish";
import { PublishScreen } from "../../screens/PublishScreen";
import { answerFrom, renderWithQuery, type Routes } from "../../test/utils";
import { PublishedBundles } from "./PublishedBundles";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const ACTIVE = { environment: "staging", version: 5, digest: "sha256:" + "ef".repeat(32), author: "ana", created_at: "2026-12-04T09:00:00Z" };
const env: EnvironmentStatus = {
  environment: { name: "staging", urls: ["http://127.0.0.1:8787"], require_approval: false },
  token_available: true,
  token_source: "TAILOR_PUBLISH_TOKEN",
};
const INCOMING = { sections: [{ section: "segments", added: ["a_only"], removed: [], changed: [] }] };
const preview = (over: Partial<PublishPreview> = {}): PublishPreview => ({
  active: ACTIVE,
  active_known: true,
  diff: { sections: [] },
  findings: [],
  next_version: 6,
  standing: { state: "behind", active: ACTIVE, base_version: 4, incoming: INCOMING },
  open_conflicts: 0,
  ...over,
});
const conflict: ConflictRow = {
  id: "plan/restock_hero#priority",
  environment: "staging",
  theirs_version: 5,
  theirs_digest: ACTIVE.digest,
  conflict: { section: "plan", key: "restock_hero", field: "priority", base: 10, theirs: 20, mine: 30 },
};
const report = (over: Partial<PullReport> = {}): PullReport => ({
  environment: "staging",
  version: 5,
  digest: ACTIVE.digest,
  author: "ana",
  created_at: ACTIVE.created_at,
  up_to_date: false,
  fast_forward: false,
  summary: {
    incoming: [
      { section: "segments", key: "a_only" },
      { section: "plan", key: "restock_hero" },
    ],
    merged: [{ section: "segments", key: "a_only" }],
    conflicts: [conflict.conflict],
  },
  line: "merged version 5: 2 incoming change(s), 1 merged by themselves, 1 conflict(s)",
  ...over,
});

function routes(extra: Routes = {}) {
  const base: Routes = {
    environment_list: () => [env],
    keys_list: () => [{ name: "release", keyid: "a1b2c3d4e5f6", stored_in: "OS keyring (Secret Service)" }],
    published_list: () => [],
    publish_preview: () => preview(),
    conflicts_list: () => [],
    ...extra,
  };
  answerFrom(invoke, base);
}
const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1]);

beforeEach(() => {
  invoke.mockReset();
  localStorage.clear();
  setLastPull(null);
});

async function review() {
  renderWithQuery(<PublishScreen />);
  fireEvent.click(await screen.findByTestId("publish-review"));
  return screen.findByTestId("publish-standing");
}

describe("standing", () => {
  it("up to date says so and lets publish go ahead", async () => {
    routes({ publish_preview: () => preview({ standing: { state: "up_to_date" } }) });
    const standing = await review();
    expect(standing).toHaveAttribute("data-state", "up_to_date");
    expect(standing).toHaveTextContent("Up to date with staging");
    expect(screen.queryByTestId("publish-pull")).toBeNull();
    expect(screen.getByTestId("publish-run")).toBeEnabled();
  });

  it("behind names who published what, offers Pull instead of Publish", async () => {
    routes();
    const standing = await review();
    expect(standing).toHaveAttribute("data-state", "behind");
    expect(standing).toHaveTextContent("ana published version 5 at 2026-12-04T09:00:00Z, after your base version 4");
    expect(within(standing).getByTestId("publish-incoming")).toHaveTextContent("a_only");
    expect(screen.getByTestId("publish-run")).toBeDisabled();
    expect(screen.getByTestId("publish-blockers")).toHaveTextContent("pull it first");
    expect(screen.getByTestId("publish-pull")).toHaveTextContent("Pull version 5");
  });

  it("diverged shows both sides' changes", async () => {
    routes({
      publish_preview: () =>
        preview({
          standing: { state: "diverged", active: ACTIVE, base_version: 4, incoming: INCOMING, local: { sections: [{ section: "segments", added: ["b_only"], removed: [], changed: [] }] } },
        }),
    });
    const standing = await review();
    expect(standing).toHaveAttribute("data-state", "diverged");
    expect(within(standing).getByTestId("publish-local")).toHaveTextContent("b_only");
  });

  it("pull runs, shows the merge and reviews again", async () => {
    let pulled = false;
    routes({
      pull_run: () => {
        pulled = true;
        return report();
      },
      conflicts_list: () => (pulled ? [conflict] : []),
      publish_preview: () => (pulled ? preview({ standing: { state: "up_to_date" }, open_conflicts: 1 }) : preview()),
    });
    await review();
    fireEvent.click(screen.getByTestId("publish-pull"));
    const merge = await screen.findByTestId("merge-view");
    expect(calls("pull_run")).toEqual([{ environment: "staging" }]);
    expect(within(merge).getByTestId("merge-line")).toHaveTextContent("1 conflict(s)");
    const incoming = within(merge).getByTestId("merge-incoming");
    expect(within(incoming).getAllByRole("listitem").map((li) => li.getAttribute("data-merged"))).toEqual(["true", "false"]);
    await waitFor(() => expect(screen.getByTestId("publish-standing")).toHaveAttribute("data-state", "up_to_date"));
    expect(screen.getByTestId("publish-blockers")).toHaveTextContent("Resolve the 1 open merge conflict");
    expect(screen.getByTestId("publish-run")).toBeDisabled();
  });

  it("a refused pull says nothing changed", async () => {
    routes({ pull_run: () => Promise.reject({ kind: "invalid", message: "the bundle from http://x was refused (untrusted_key): …; nothing was changed" }) });
    await review();
    fireEvent.click(screen.getByTestId("publish-pull"));
    expect(await screen.findByTestId("publish-pull-error")).toHaveTextContent("untrusted_key");
  });

  it("overwrite asks first and passes overwrite on", async () => {
    routes({ publish_run: () => ({ environment: "staging", version: 6, digest: "sha256:" + "01".repeat(32), unchanged: false, overwrites: ACTIVE.digest, attempts: 1, diff: { sections: [] } }) });
    await review();
    fireEvent.click(screen.getByTestId("publish-overwrite"));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("ana published version 5 after your base");
    expect(calls("publish_run")).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Overwrite with version 6" }));
    await waitFor(() => expect(calls("publish_run")).toHaveLength(1));
    expect(calls("publish_run")[0]).toMatchObject({ environment: "staging", key: "release", overwrite: true });
  });
});

describe("merge view", () => {
  it("shows base, theirs and mine, and each choice resolves", async () => {
    let open = [conflict];
    routes({
      conflicts_list: () => open,
      conflict_resolve: () => {
        open = [];
        return null;
      },
      conflict_edit: () => {
        open = [];
        return null;
      },
    });
    renderWithQuery(<PublishScreen />);
    const card = await screen.findByTestId("merge-conflict");
    expect(card).toHaveTextContent("plan entry restock_hero, field priority");
    const sides = card.querySelectorAll(".conflict-side");
    expect([...sides].map((s) => [s.getAttribute("data-side"), s.querySelector("pre")?.textContent])).toEqual([
      ["base", "10"],
      ["theirs", "20"],
      ["mine", "30"],
    ]);
    fireEvent.click(within(card).getByTestId("merge-theirs"));
    await waitFor(() => expect(calls("conflict_resolve")).toEqual([{ id: conflict.id, how: "theirs" }]));
    // Nothing open and no pull in this session: the merge view goes away.
    await waitFor(() => expect(screen.queryByTestId("merge-view")).toBeNull());
  });

  it("keep mine, and an edited value, are sent as such", async () => {
    routes({ conflicts_list: () => [conflict], conflict_resolve: () => null, conflict_edit: () => null });
    renderWithQuery(<PublishScreen />);
    const card = await screen.findByTestId("merge-conflict");
    fireEvent.click(within(card).getByTestId("merge-keep"));
    await waitFor(() => expect(calls("conflict_resolve")).toEqual([{ id: conflict.id, how: "keep" }]));
    fireEvent.click(within(card).getByTestId("merge-edit"));
    const box = within(card).getByTestId("merge-edit-value");
    expect(box).toHaveValue("30");
    fireEvent.change(box, { target: { value: "25" } });
    fireEvent.click(within(card).getByTestId("merge-edit-save"));
    await waitFor(() => expect(calls("conflict_edit")).toEqual([{ id: conflict.id, value: 25 }]));
  });

  it("after the last resolution offers the simulation, then publish", async () => {
    routes({ conflicts_list: () => [] });
    renderWithQuery(<PublishScreen />);
    act(() => setLastPull(report({ summary: { incoming: [{ section: "segments", key: "a_only" }], merged: [{ section: "segments", key: "a_only" }], conflicts: [] } })));
    const resolved = await screen.findByTestId("merge-resolved");
    expect(screen.queryByTestId("impact")).toBeNull();
    fireEvent.click(within(resolved).getByTestId("merge-simulate"));
    expect(await screen.findByTestId("impact")).toBeInTheDocument();
    expect(within(resolved).getByTestId("merge-publish")).toBeEnabled();
  });

  it("nothing to show when no pull happened and nothing is open", async () => {
    routes();
    renderWithQuery(<PublishScreen />);
    await screen.findByTestId("publish-review");
    expect(screen.queryByTestId("merge-view")).toBeNull();
  });
});

describe("history", () => {
  const row = (over: Partial<PublishedBundle>): PublishedBundle => ({
    environment: "staging",
    version: 1,
    digest: "sha256:" + "aa".repeat(32),
    published_at: "2026-12-04T09:00:00Z",
    author: "ana",
    target: "http://127.0.0.1:8787",
    kind: "publish",
    ...over,
  });

  it("marks pulls, merges and overwrites, with who made each version", async () => {
    routes({
      published_list: () => [
        row({ version: 4, kind: "publish", overwrites: "sha256:" + "bb".repeat(32), author: "ben" }),
        row({ version: 3, kind: "pull", merge_summary: "merged version 3: 1 incoming change(s), 1 merged by themselves, 0 conflict(s)" }),
        row({ version: 2, kind: "pull", merge_summary: "fast-forward to version 2" }),
        row({ version: 1 }),
      ],
    });
    renderWithQuery(<PublishedBundles />);
    await screen.findAllByTestId("published-row");
    const kinds = screen.getAllByTestId("published-kind").map((k) => k.textContent);
    expect(kinds[0]).toContain("overwrite of sha256:bbbbbbbbbbbb…");
    expect(kinds[1]).toContain("pull + merge");
    expect(kinds[1]).toContain("1 merged by themselves");
    expect(kinds[2]).toMatch(/^pull/);
    expect(kinds[3]).toBe("publish");
    expect(screen.getAllByTestId("published-row")[0]).toHaveTextContent("ben");
  });
});

describe("helpers", () => {
  it("parses an edited value as JSON, else as text; empty removes", () => {
    expect(parseEdited("25")).toBe(25);
    expect(parseEdited('{"a": 1}')).toEqual({ a: 1 });
    expect(parseEdited("high")).toBe("high");
    expect(parseEdited("  ")).toBeNull();
  });

  it("a standing without a base says only who published", () => {
    expect(standingSentence({ state: "behind", active: ACTIVE, incoming: { sections: [] } }, "prod")).toBe(
      "Behind prod: ana published version 5 at 2026-12-04T09:00:00Z. Pull it before publishing.",
    );
  });
});
