import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PublishOutcome } from "../../bindings/PublishOutcome";
import type { PublishPreview } from "../../bindings/PublishPreview";
import type { PublishedBundle } from "../../bindings/PublishedBundle";
import type { Step } from "../../bindings/Step";
import type { EnvironmentStatus, KeyInfo } from "../../api/publish";
import { PublishScreen } from "../../screens/PublishScreen";
import { answerFrom, renderWithQuery, type Routes } from "../../test/utils";
import { BundleDiff } from "./BundleDiff";
import { PublishedBundles } from "./PublishedBundles";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
// The event listener: the test emits `publish-progress` through `emit`.
const handlers = new Map<string, (e: { payload: unknown }) => void>();
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (name: string, cb: (e: { payload: unknown }) => void) => {
    handlers.set(name, cb);
    return () => handlers.delete(name);
  }),
}));
const emit = (step: Step) => handlers.get("publish-progress")?.({ payload: step });

const env = (name: string, urls: string[], require_approval = false, token = true): EnvironmentStatus => ({
  environment: { name, urls, require_approval },
  token_available: token,
  token_source: token ? "TAILOR_PUBLISH_TOKEN" : null,
});
const KEY: KeyInfo = { name: "release", keyid: "a1b2c3d4e5f60718293a4b5c6d7e8f90", stored_in: "OS keyring (Secret Service)" };
const EMPTY_DIFF = { sections: [] };
const preview = (over: Partial<PublishPreview> = {}): PublishPreview => ({
  active: { environment: "staging", version: 3, digest: "sha256:" + "ab".repeat(32), author: "ana", created_at: "2026-12-01T10:00:00Z" },
  active_known: true,
  diff: { sections: [{ section: "segments", added: ["vip"], removed: [], changed: [] }] },
  findings: [],
  next_version: 4,
  standing: { state: "up_to_date" },
  open_conflicts: 0,
  ...over,
});
const outcome = (over: Partial<PublishOutcome> = {}): PublishOutcome => ({
  environment: "staging",
  version: 4,
  digest: "sha256:" + "cd".repeat(32),
  unchanged: false,
  attempts: 1,
  diff: EMPTY_DIFF,
  ...over,
});

function routes(extra: Routes = {}) {
  const base: Routes = {
    environment_list: () => [env("staging", ["http://127.0.0.1:8787"])],
    keys_list: () => [KEY],
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
  handlers.clear();
  localStorage.clear();
});

async function review() {
  renderWithQuery(<PublishScreen />);
  fireEvent.click(await screen.findByTestId("publish-review"));
  return screen.findByTestId("publish-run");
}

describe("diff rendering", () => {
  it("lists each section's added, removed and changed items with +/−/~", () => {
    renderWithQuery(
      <BundleDiff
        diff={{
          sections: [
            { section: "segments", added: ["vip"], removed: ["old_buyers"], changed: ["returning"] },
            { section: "entries", added: [], removed: [], changed: ["hero_sale"] },
            { section: "constraints", added: [], removed: [], changed: [] },
          ],
        }}
      />,
    );
    const seg = screen.getByTestId("diff-section-segments");
    expect(seg).toHaveTextContent("1 added, 1 removed, 1 changed");
    const items = within(seg).getAllByRole("listitem");
    expect(items.map((li) => [li.getAttribute("data-change"), li.textContent])).toEqual([
      ["added", "+vip"],
      ["removed", "−old_buyers"],
      ["changed", "~returning"],
    ]);
    expect(within(screen.getByTestId("diff-section-entries")).getByText("hero_sale")).toBeInTheDocument();
    expect(screen.queryByTestId("diff-section-constraints")).toBeNull();
  });

  it("says so when nothing changed", () => {
    renderWithQuery(<BundleDiff diff={EMPTY_DIFF} />);
    expect(screen.getByTestId("publish-diff")).toHaveTextContent("No changes");
  });

  it("shows the active version and notes an active bundle not published from here", async () => {
    routes({ publish_preview: () => preview({ active_known: false }) });
    await review();
    expect(screen.getByTestId("publish-active")).toHaveTextContent("Version 3");
    expect(screen.getByTestId("publish-active-unknown")).toBeInTheDocument();
    expect(screen.getByTestId("diff-section-segments")).toHaveTextContent("vip");
    expect(screen.getByTestId("publish-run")).toHaveTextContent("Publish version 4");
  });

  it("says nothing is published yet", async () => {
    routes({ publish_preview: () => preview({ active: undefined, active_known: false, next_version: 1 }) });
    await review();
    expect(screen.getByTestId("publish-active")).toHaveTextContent("Nothing published yet");
    expect(screen.queryByTestId("publish-active-unknown")).toBeNull();
  });
});

describe("publish gating", () => {
  it("errors block publishing and say why", async () => {
    routes({
      publish_preview: () =>
        preview({ findings: [{ severity: "error", rule: "unknown_ref", item: "entry:e1", message: "content x does not exist" }] }),
    });
    const run = await review();
    expect(run).toBeDisabled();
    expect(screen.getByTestId("publish-blockers")).toHaveTextContent("Fix the 1 lint error first");
    expect(screen.getByTestId("publish-findings")).toHaveTextContent("content x does not exist");
    expect(screen.queryByTestId("publish-ack-warnings")).toBeNull();
  });

  it("warnings need an acknowledgement, which is passed on", async () => {
    routes({
      publish_preview: () =>
        preview({ findings: [{ severity: "warning", rule: "tiny_segment", item: "segment:vip", message: "matches 2 shoppers" }] }),
      publish_run: () => outcome(),
    });
    const run = await review();
    expect(run).toBeDisabled();
    expect(screen.getByTestId("publish-blockers")).toHaveTextContent("Acknowledge the warnings");
    fireEvent.click(screen.getByTestId("publish-ack-warnings"));
    expect(run).toBeEnabled();
    expect(screen.queryByTestId("publish-blockers")).toBeNull();
    fireEvent.click(run);
    await screen.findByTestId("publish-result");
    expect(calls("publish_run")[0]).toEqual({ environment: "staging", key: "release", acceptWarnings: true, approvedBy: null, overwrite: false });
  });

  it("an environment that requires approval needs a name in Approved by", async () => {
    routes({ environment_list: () => [env("staging", ["http://a.example.com"], true)], publish_run: () => outcome() });
    const run = await review();
    expect(run).toBeDisabled();
    expect(screen.getByTestId("publish-blockers")).toHaveTextContent("staging requires an approval");
    fireEvent.change(screen.getByTestId("publish-approved-by"), { target: { value: "   " } });
    expect(run).toBeDisabled();
    fireEvent.change(screen.getByTestId("publish-approved-by"), { target: { value: " ana@example.com " } });
    expect(run).toBeEnabled();
    fireEvent.click(run);
    await screen.findByTestId("publish-result");
    expect(calls("publish_run")[0]).toEqual(expect.objectContaining({ approvedBy: "ana@example.com", acceptWarnings: false }));
  });

  it("needs a signing key", async () => {
    routes({ keys_list: () => [] });
    const run = await review();
    expect(run).toBeDisabled();
    expect(screen.getByTestId("publish-blockers")).toHaveTextContent("Generate a signing key");
    expect(screen.getByTestId("keys-empty")).toBeInTheDocument();
  });

  it("warns when there is no publish token", async () => {
    routes({ environment_list: () => [env("staging", ["http://a.example.com"], false, false)] });
    await review();
    expect(screen.getByTestId("publish-token")).toHaveTextContent("no publish token: set TAILOR_PUBLISH_TOKEN before starting Tailor");
    expect(screen.getByTestId("env-token-staging")).toHaveTextContent("no publish token");
  });

  it("shows an unreachable service's message with a Retry", async () => {
    let fail = true;
    routes({
      publish_preview: () => {
        if (fail) throw { kind: "io", message: "could not reach http://127.0.0.1:8787 after 5 attempt(s): connection refused" };
        return preview();
      },
    });
    renderWithQuery(<PublishScreen />);
    fireEvent.click(await screen.findByTestId("publish-review"));
    expect(await screen.findByTestId("publish-preview-error")).toHaveTextContent("after 5 attempt(s)");
    fail = false;
    fireEvent.click(screen.getByTestId("publish-review-retry"));
    expect(await screen.findByTestId("publish-run")).toBeInTheDocument();
    expect(screen.queryByTestId("publish-preview-error")).toBeNull();
  });
});

describe("publish run", () => {
  it("shows progress from publish-progress events and the result", async () => {
    let finish: (o: PublishOutcome) => void = () => {};
    routes({
      environment_list: () => [env("staging", ["http://a.example.com", "http://b.example.com"])],
      publish_run: () => new Promise<PublishOutcome>((resolve) => (finish = resolve)),
    });
    fireEvent.click(await review());
    await waitFor(() => expect(calls("publish_run")).toHaveLength(1));
    act(() => {
      emit({ step: "checking" });
      emit({ step: "signing" });
      emit({ step: "uploading", attempt: 1, of: 5 });
      emit({ step: "retrying", attempt: 1, of: 5, wait_ms: 200, reason: "HTTP 503" });
    });
    expect(screen.getByTestId("publish-step-checking")).toHaveAttribute("data-state", "done");
    expect(screen.getByTestId("publish-step-signing")).toHaveAttribute("data-state", "done");
    expect(screen.getByTestId("publish-step-uploading")).toHaveAttribute("data-state", "current");
    expect(screen.getByTestId("publish-step-uploading")).toHaveTextContent("attempt 1 of 5, replica 1 of 2");
    expect(screen.getByTestId("publish-retrying")).toHaveTextContent("HTTP 503");
    expect(screen.getByTestId("publish-step-confirming")).toHaveAttribute("data-state", "pending");
    act(() => {
      emit({ step: "uploading", attempt: 2, of: 5 });
      emit({ step: "confirming" });
      emit({ step: "uploading", attempt: 1, of: 5 });
    });
    expect(screen.queryByTestId("publish-retrying")).toBeNull();
    expect(screen.getByTestId("publish-step-uploading")).toHaveTextContent("replica 2 of 2");
    await act(async () => finish(outcome({ attempts: 3 })));
    const result = await screen.findByTestId("publish-result");
    expect(result).toHaveTextContent("Published version 4 to staging");
    expect(result).toHaveTextContent("sha256:" + "cd".repeat(32));
    expect(result).toHaveTextContent("Confirmed active on 2 replicas");
    expect(screen.getByTestId("publish-step-done")).toHaveAttribute("data-state", "done");
    expect(handlers.has("publish-progress")).toBe(false);
  });

  it("shows the service's rejection and marks the step failed", async () => {
    routes({
      publish_run: () => {
        emit({ step: "checking" });
        emit({ step: "signing" });
        emit({ step: "uploading", attempt: 1, of: 5 });
        throw { kind: "invalid", message: "the service rejected the bundle (422 bad_signature): no trusted key" };
      },
    });
    fireEvent.click(await review());
    expect(await screen.findByTestId("publish-error")).toHaveTextContent("422 bad_signature");
    expect(screen.getByTestId("publish-step-uploading")).toHaveAttribute("data-state", "failed");
    expect(screen.queryByTestId("publish-result")).toBeNull();
  });

  it("asks before publishing to production", async () => {
    routes({ environment_list: () => [env("production", ["https://p.example.com"])], publish_run: () => outcome({ environment: "production" }) });
    fireEvent.click(await review());
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("Publish version 4 to production?");
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(calls("publish_run")).toHaveLength(0);
    fireEvent.click(screen.getByTestId("publish-run"));
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await screen.findByTestId("publish-result");
    expect(calls("publish_run")).toHaveLength(1);
  });
});

describe("environment form", () => {
  it("refuses URLs that are not http(s) and saves one URL per line", async () => {
    routes({ environment_list: () => [], environment_save: () => null });
    renderWithQuery(<PublishScreen />);
    expect(await screen.findByTestId("env-empty")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("env-add"));
    fireEvent.change(screen.getByTestId("env-name"), { target: { value: "staging" } });
    fireEvent.change(screen.getByTestId("env-urls"), { target: { value: "ftp://decide.example.com" } });
    fireEvent.click(screen.getByTestId("env-save"));
    expect(screen.getByTestId("env-form-error")).toHaveTextContent("is not an http(s) URL");
    expect(calls("environment_save")).toHaveLength(0);
    fireEvent.change(screen.getByTestId("env-urls"), { target: { value: "https://a.example.com\n\nhttp://10.0.0.2:8787\n" } });
    fireEvent.click(screen.getByTestId("env-require-approval"));
    expect(screen.queryByTestId("env-form-error")).toBeNull();
    fireEvent.click(screen.getByTestId("env-save"));
    await waitFor(() => expect(calls("environment_save")).toHaveLength(1));
    expect(calls("environment_save")[0]).toEqual({
      environment: { name: "staging", urls: ["https://a.example.com", "http://10.0.0.2:8787"], require_approval: true },
    });
    await waitFor(() => expect(screen.queryByTestId("env-form")).toBeNull());
  });

  it("deletes an environment after confirmation", async () => {
    routes({ environment_delete: () => null });
    renderWithQuery(<PublishScreen />);
    fireEvent.click(await screen.findByTestId("env-delete-staging"));
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(calls("environment_delete")).toEqual([{ name: "staging" }]));
  });

  it("generates a key and selects it", async () => {
    const list = [KEY];
    routes({
      keys_list: () => [...list],
      keys_generate: (args) => {
        const k = { name: args.name as string, keyid: "ff".repeat(32), stored_in: "OS keyring (Secret Service)" };
        list.push(k);
        return k;
      },
    });
    renderWithQuery(<PublishScreen />);
    expect(await screen.findByTestId("key-row-release")).toHaveTextContent("a1b2c3d4e5f6…");
    fireEvent.change(screen.getByTestId("key-new-name"), { target: { value: "release" } });
    expect(screen.getByTestId("key-generate")).toBeDisabled();
    fireEvent.change(screen.getByTestId("key-new-name"), { target: { value: "ci" } });
    fireEvent.click(screen.getByTestId("key-generate"));
    await waitFor(() => expect(screen.getByTestId("key-select")).toHaveValue("ci"));
    expect(calls("keys_generate")).toEqual([{ name: "ci" }]);
  });
});

describe("rollback", () => {
  const ROWS: PublishedBundle[] = [
    { environment: "staging", version: 5, digest: "sha256:" + "55".repeat(32), published_at: "2025-05-02T10:00:00Z", author: "ana", target: "http://a.example.com", kind: "rollback", rollback_of: 3 },
    { environment: "staging", version: 4, digest: "sha256:" + "44".repeat(32), published_at: "2025-05-01T10:00:00Z", author: "ana", target: "http://a.example.com", kind: "publish" },
    { environment: "staging", version: 3, digest: "sha256:" + "33".repeat(32), published_at: "2025-04-30T10:00:00Z", author: "bo", target: "http://a.example.com", kind: "publish" },
  ];

  it("lists published bundles with kind and short digest", async () => {
    routes({ published_list: () => ROWS });
    renderWithQuery(<PublishedBundles />);
    const rows = await screen.findAllByTestId("published-row");
    expect(rows.map((r) => r.getAttribute("data-version"))).toEqual(["5", "4", "3"]);
    expect(rows[0]).toHaveAttribute("data-env", "staging");
    expect(rows[0]).toHaveTextContent("rollback of v3");
    expect(rows[0]).toHaveTextContent("sha256:555555555555…");
    // The live (newest) version has nothing to roll back to.
    expect(within(rows[0]).queryByTestId("published-rollback")).toBeNull();
    expect(within(rows[1]).getByTestId("published-rollback")).toBeInTheDocument();
  });

  it("asks for confirmation, rolls back with the selected key and shows the result", async () => {
    routes({
      published_list: () => ROWS,
      rollback_run: () => {
        emit({ step: "checking" });
        emit({ step: "signing" });
        return outcome({ version: 6 });
      },
    });
    renderWithQuery(<PublishedBundles />);
    const rows = await screen.findAllByTestId("published-row");
    await waitFor(() => expect(within(rows[2]).getByTestId("published-rollback")).toBeEnabled());
    // Cancel first: nothing happens.
    fireEvent.click(within(rows[2]).getByTestId("published-rollback"));
    expect(await screen.findByTestId("confirm-dialog")).toHaveTextContent("Roll back staging to version 3?");
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(calls("rollback_run")).toHaveLength(0);
    fireEvent.click(within(rows[2]).getByTestId("published-rollback"));
    expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("signed with key release");
    fireEvent.click(screen.getByTestId("confirm-ok"));
    const result = await screen.findByTestId("rollback-result");
    expect(calls("rollback_run")).toEqual([{ environment: "staging", version: 3, key: "release" }]);
    expect(result).toHaveTextContent("Rolled back staging: version 6 (the rules of v3) is live");
    expect(screen.getByTestId("rollback-progress")).toHaveAttribute("data-finished", "true");
  });

  it("shows why a rollback failed", async () => {
    routes({
      published_list: () => ROWS,
      rollback_run: () => {
        throw { kind: "io", message: "could not reach http://a.example.com after 5 attempt(s): connection refused" };
      },
    });
    renderWithQuery(<PublishedBundles />);
    await waitFor(() => expect(screen.getAllByTestId("published-rollback")[0]).toBeEnabled());
    fireEvent.click(screen.getAllByTestId("published-rollback")[0]);
    fireEvent.click(screen.getByTestId("confirm-ok"));
    expect(await screen.findByTestId("rollback-error")).toHaveTextContent("after 5 attempt(s)");
  });

  it("without a signing key, asks to pick or generate one on the Publish screen", async () => {
    routes({ published_list: () => ROWS, keys_list: () => [] });
    renderWithQuery(<PublishedBundles />);
    await waitFor(() => expect(screen.getAllByTestId("published-rollback")[0]).toBeEnabled());
    fireEvent.click(screen.getAllByTestId("published-rollback")[0]);
    expect(await screen.findByTestId("rollback-no-key")).toHaveTextContent("generate a signing key on the Publish screen");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });

  it("shows an empty state", async () => {
    routes();
    renderWithQuery(<PublishedBundles />);
    expect(await screen.findByTestId("published-empty")).toBeInTheDocument();
  });
});

describe("History screen", () => {
  it("keeps the change log and adds the published bundles", async () => {
    const { HistoryScreen } = await import("../../screens/HistoryScreen");
    routes({
      history_list: () => [],
      published_list: () => [
        { environment: "staging", version: 1, digest: "sha256:" + "11".repeat(32), published_at: "2025-05-01T10:00:00Z", author: "ana", target: "http://a.example.com", kind: "publish" },
      ],
    });
    const info = { path: "/tmp/a.tailor", name: "a", workspace_id: "w1", shopper_count: 0n, attribute_count: 0n, segment_count: 0n };
    renderWithQuery(<HistoryScreen info={info} />);
    expect(await screen.findByTestId("history-empty")).toBeInTheDocument();
    expect(await screen.findByTestId("published-row")).toHaveAttribute("data-version", "1");
    expect(screen.getByTestId("published-list")).toHaveTextContent("ana");
  });
});
