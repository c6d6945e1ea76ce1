import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EnvironmentStatus, KeyInfo } from "../../api/publish";
import type { PendingReview } from "../../bindings/PendingReview";
import type { PendingSummary } from "../../bindings/PendingSummary";
import type { PromoteReview } from "../../bindings/PromoteReview";
import type { PublishOutcome } from "../../bindings/PublishOutcome";
import type { PublishPreview } from "../../bindings/PublishPreview";
import type { PublishedBundle } from "../../bindings/PublishedBundle";
import { PublishScreen } from "../../screens/PublishScreen";
import { answerFrom, renderWithQuery, type Routes } from "../../test/utils";
import { PublishedBundles } from "./PublishedBundles";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const URL = "http://127.0.0.1:8787";
const env = (name: string, threshold?: number): EnvironmentStatus => ({
  environment: { name, urls: [URL], require_approval: false },
  threshold,
  token_available: true,
  token_source: "TAILOR_PUBLISH_TOKEN",
});
const KEY: KeyInfo = { name: "bo", keyid: "b0".repeat(16), stored_in: "file: /keys/bo.key (0600)" };
const D_STAGING = "sha256:" + "5a".repeat(32);
const D_PENDING = "sha256:" + "77".repeat(32);
const ACTIVE = { environment: "production", version: 3, digest: "sha256:" + "11".repeat(32), author: "ana", created_at: "2026-12-01T10:00:00Z" };
const PENDING_STATUS = {
  url: URL,
  environment: "production",
  digest: D_PENDING,
  version: 4,
  status: "pending",
  signatures: 1,
  threshold: 2,
  expires_at: "2026-12-05T10:00:00Z",
};
const DIFF = { sections: [{ section: "segments", added: ["vip"], removed: [], changed: [] }] };

const promoteReview = (over: Partial<PromoteReview> = {}): PromoteReview => ({
  source: { environment: "staging", version: 7, digest: D_STAGING, author: "ana", created_at: "2026-12-02T10:00:00Z" },
  verified_with: "trust file /team/trust.json",
  target_active: ACTIVE,
  diff: DIFF,
  local_differs: true,
  local_diff: { sections: [{ section: "segments", added: ["local_only"], removed: [], changed: [] }] },
  findings: [],
  next_version: 4,
  standing: { state: "up_to_date" },
  ...over,
});
const summary: PendingSummary = {
  environment: "production",
  digest: D_PENDING,
  version: 4,
  author: "ana",
  status: "pending",
  submitted_at: "2026-12-02T10:00:00Z",
  expires_at: "2026-12-05T10:00:00Z",
  signatures: 1,
  threshold: 2,
  submitted_by: [{ keyid: "a".repeat(64), key_name: "ana" }],
  approvals: [],
  promoted_from: { environment: "staging", version: 7, digest: D_STAGING },
};
const pendingReview = (over: Partial<PendingReview> = {}): PendingReview => ({
  url: URL,
  pending: summary,
  verified_with: "trust file /team/trust.json",
  active: ACTIVE,
  diff: DIFF,
  findings: [{ severity: "warning", rule: "tiny_segment", item: "segment:vip", message: "matches 2 shoppers" }],
  impact: {
    shoppers: 500,
    page_views: 1500,
    changed_views: 42,
    changed_shoppers: 40,
    placements: [{ page: "home", placement: "hero", views: 500, changed: 42, by_segment: { vip: 42 }, examples: [] }],
    elapsed_ms: 12,
  },
  ...over,
});

function routes(extra: Routes = {}) {
  answerFrom(invoke, {
    environment_list: () => [env("staging"), env("production", 2)],
    keys_list: () => [KEY],
    published_list: () => [],
    conflicts_list: () => [],
    ...extra,
  });
}
const calls = (cmd: string) => invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1]);

beforeEach(() => {
  invoke.mockReset();
  localStorage.clear();
});

describe("Promote", () => {
  it("reviews staging against production, flags the local draft, and promotes with approval when production needs two signatures", async () => {
    const outcome: PublishOutcome = {
      environment: "production",
      version: 4,
      digest: D_PENDING,
      unchanged: false,
      attempts: 1,
      diff: DIFF,
      promoted_from: { environment: "staging", version: 7, digest: D_STAGING },
      pending: PENDING_STATUS,
    };
    routes({
      promote_preview: () => promoteReview(),
      promote_run: () => ({ published: outcome, source: promoteReview().source, local_differs: true, local_diff: promoteReview().local_diff }),
    });
    renderWithQuery(<PublishScreen />);
    await waitFor(() => expect(screen.getByTestId("promote-from")).toHaveValue("staging"));
    expect(screen.getByTestId("promote-to")).toHaveValue("production");
    fireEvent.click(screen.getByTestId("promote-review"));
    const local = await screen.findByTestId("promote-local-differs");
    expect(local).toHaveAttribute("data-differs", "true");
    expect(local).toHaveTextContent("Your local draft differs from what is promoted");
    expect(within(local).getByTestId("promote-local-diff")).toHaveTextContent("local_only");
    expect(screen.getByTestId("promote-source")).toHaveTextContent("staging version 7");
    expect(screen.getByTestId("promote-diff")).toHaveTextContent("vip");
    const run = screen.getByTestId("promote-run");
    expect(run).toHaveTextContent("Request approval for production version 4");
    fireEvent.click(run);
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    const pending = await screen.findByTestId("publish-pending");
    expect(pending).toHaveTextContent("Version 4 is waiting for approval on production (1 of 2 signatures)");
    expect(calls("promote_run")[0]).toEqual({ from: "staging", to: "production", key: "bo", acceptWarnings: false, requestApproval: true });
    expect(screen.getByTestId("promote-result-local")).toBeInTheDocument();
  });

  it("says so when the local draft is what is promoted, and blocks while behind", async () => {
    routes({
      environment_list: () => [env("staging"), env("production")],
      promote_preview: () =>
        promoteReview({ local_differs: false, local_diff: { sections: [] }, standing: { state: "behind", active: ACTIVE, base_version: 2, incoming: DIFF } }),
    });
    renderWithQuery(<PublishScreen />);
    fireEvent.click(await screen.findByTestId("promote-review"));
    expect(await screen.findByTestId("promote-local-differs")).toHaveTextContent("exactly what is promoted");
    expect(screen.getByTestId("promote-run")).toBeDisabled();
    expect(screen.getByTestId("promote-run-blockers")).toHaveTextContent("pull it first");
  });
});

describe("Request approval", () => {
  it("publishing to an environment with threshold 2 requests approval and says production keeps serving", async () => {
    const preview: PublishPreview = {
      active: ACTIVE,
      active_known: true,
      diff: DIFF,
      findings: [],
      next_version: 4,
      standing: { state: "up_to_date" },
      open_conflicts: 0,
    };
    routes({
      environment_list: () => [env("production", 2)],
      publish_preview: () => preview,
      publish_run: () => ({
        environment: "production",
        version: 4,
        digest: D_PENDING,
        unchanged: false,
        attempts: 1,
        diff: DIFF,
        pending: PENDING_STATUS,
      }),
    });
    renderWithQuery(<PublishScreen />);
    fireEvent.click(await screen.findByTestId("publish-review"));
    const run = await screen.findByTestId("publish-run");
    expect(run).toHaveTextContent("Request approval for version 4");
    expect(screen.getByTestId("publish-needs-approval")).toHaveTextContent("production needs 2 signatures");
    fireEvent.click(run);
    const pending = await screen.findByTestId("publish-pending");
    expect(pending).toHaveTextContent("production keeps serving what it served");
    expect(within(pending).getByTestId("publish-pending-digest")).toHaveTextContent(D_PENDING);
    expect(calls("publish_run")[0]).toMatchObject({ environment: "production", requestApproval: true });
  });
});

describe("Approvals", () => {
  it("lists what waits, opens one with diff, lint and impact, and approves after a confirmation", async () => {
    routes({
      pending_list: () => [summary],
      pending_open: () => pendingReview(),
      pending_approve: () => ({ status: "activated", environment: "production", digest: D_PENDING, version: 4, signatures: 2, threshold: 2, approvals: [] }),
    });
    renderWithQuery(<PublishScreen />);
    await waitFor(() => expect(screen.getByTestId("approvals-env")).toHaveValue("production"));
    fireEvent.click(screen.getByTestId("approvals-list"));
    const row = await screen.findByTestId("approvals-row");
    expect(row).toHaveTextContent("1 of 2 signatures");
    expect(row).toHaveTextContent("from staging v7");
    fireEvent.click(within(row).getByTestId("approvals-row-open"));
    const review = await screen.findByTestId("approvals-review");
    expect(review).toHaveTextContent("production version 4 by ana");
    expect(screen.getByTestId("approvals-review-promoted")).toHaveTextContent("Promoted from staging version 7");
    expect(screen.getByTestId("approvals-diff")).toHaveTextContent("vip");
    expect(screen.getByTestId("approvals-impact")).toHaveTextContent("40 of 500 shoppers see something different");
    expect(screen.getByTestId("approvals-impact")).toHaveTextContent("home.hero");
    // The warning needs an acknowledgement before approving.
    const approve = screen.getByTestId("approvals-approve");
    expect(approve).toBeDisabled();
    fireEvent.click(screen.getByTestId("publish-ack-warnings"));
    expect(approve).toBeEnabled();
    fireEvent.change(screen.getByTestId("approvals-note"), { target: { value: "checked on staging" } });
    fireEvent.click(approve);
    expect(await screen.findByText("That is the last signature it needs", { exact: false })).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("confirm-ok"));
    const result = await screen.findByTestId("approvals-result");
    expect(result).toHaveTextContent("Approved: production now serves version 4.");
    expect(calls("pending_approve")[0]).toEqual({
      environment: "production",
      digest: D_PENDING,
      key: "bo",
      note: "checked on staging",
      url: null,
      trustFile: null,
    });
  });

  it("opens a digest pasted with another service's URL and says why nothing was simulated", async () => {
    routes({ pending_open: () => pendingReview({ impact: undefined, impact_note: "this workspace has no sample shoppers", findings: [] }) });
    renderWithQuery(<PublishScreen />);
    await waitFor(() => expect(screen.getByTestId("approvals-env")).toHaveValue("production"));
    fireEvent.change(screen.getByTestId("approvals-url"), { target: { value: "http://10.0.0.5:8787" } });
    fireEvent.change(screen.getByTestId("approvals-digest"), { target: { value: ` ${D_PENDING} ` } });
    fireEvent.click(screen.getByTestId("approvals-open"));
    expect(await screen.findByTestId("approvals-impact-note")).toHaveTextContent("this workspace has no sample shoppers");
    expect(calls("pending_open")[0]).toEqual({ environment: "production", digest: D_PENDING, url: "http://10.0.0.5:8787", trustFile: null });
  });

  it("shows the service's refusal of an approval", async () => {
    routes({
      pending_open: () => pendingReview({ findings: [] }),
      pending_approve: () => {
        throw { kind: "invalid", message: "the service rejected the bundle (403 author_cannot_approve): key ana belongs to the author" };
      },
    });
    renderWithQuery(<PublishScreen />);
    await waitFor(() => expect(screen.getByTestId("approvals-env")).toHaveValue("production"));
    fireEvent.change(screen.getByTestId("approvals-digest"), { target: { value: D_PENDING } });
    fireEvent.click(screen.getByTestId("approvals-open"));
    fireEvent.click(await screen.findByTestId("approvals-approve"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    expect(await screen.findByTestId("approvals-error")).toHaveTextContent("author_cannot_approve");
    expect(screen.queryByTestId("approvals-result")).toBeNull();
  });
});

describe("History", () => {
  it("badges promoted and approved versions from their provenance", async () => {
    const row: PublishedBundle = {
      environment: "production",
      version: 4,
      digest: D_PENDING,
      published_at: "2026-12-02T11:00:00Z",
      author: "ana",
      target: URL,
      kind: "pull",
      merge_summary: "merged version 4: 1 incoming change(s), 1 merged by themselves, 0 conflict(s)",
    };
    routes({
      published_list: () => [row],
      published_provenance: () => [
        { environment: "production", version: 4, digest: D_PENDING, author: "ana", signed_by: ["ana", "bo"], promoted_from: { environment: "staging", version: 7, digest: D_STAGING } },
      ],
    });
    renderWithQuery(<PublishedBundles />);
    expect(await screen.findByTestId("published-promoted")).toHaveTextContent("promoted from staging v7");
    expect(screen.getByTestId("published-approved")).toHaveTextContent("approved: bo");
  });
});
