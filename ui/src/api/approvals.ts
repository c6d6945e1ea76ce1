// Promotion (staging → production) and the two-person rule: IPC and React
// Query hooks for the Promote and Approvals panels and History's provenance.
// docs/collaboration.md, "Environments, promotion and approvals".
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApproveOutcome } from "../bindings/ApproveOutcome";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { PendingReview } from "../bindings/PendingReview";
import type { PendingSummary } from "../bindings/PendingSummary";
import type { PromoteOutcome } from "../bindings/PromoteOutcome";
import type { PromoteReview } from "../bindings/PromoteReview";
import type { Provenance } from "../bindings/Provenance";
import type { Step } from "../bindings/Step";
import { call, publishKeys, useStepRef, withProgress } from "./publish";

export const approvalsApi = {
  promotePreview: (from: string, to: string) => call<PromoteReview>("promote_preview", { from, to }),
  promoteRun: (from: string, to: string, key: string, acceptWarnings: boolean, requestApproval: boolean) =>
    call<PromoteOutcome>("promote_run", { from, to, key, acceptWarnings, requestApproval }),
  pendingList: (environment: string, url: string | null) => call<PendingSummary[]>("pending_list", { environment, url }),
  pendingOpen: (environment: string, digest: string, url: string | null) =>
    call<PendingReview>("pending_open", { environment, digest, url, trustFile: null }),
  pendingApprove: (environment: string, digest: string, key: string, note: string | null, url: string | null) =>
    call<ApproveOutcome>("pending_approve", { environment, digest, key, note, url, trustFile: null }),
  publishedProvenance: () => call<Provenance[]>("published_provenance"),
};

/** The review of a promotion: only when asked (both set), never retried silently. */
export const usePromotePreview = (from: string | null, to: string | null) =>
  useQuery<PromoteReview, ErrorReport>({
    queryKey: publishKeys.promote(from ?? "", to ?? ""),
    queryFn: () => approvalsApi.promotePreview(from ?? "", to ?? ""),
    enabled: !!from && !!to,
    retry: false,
    staleTime: 0,
    refetchOnWindowFocus: false,
  });

export interface PromoteVars {
  from: string;
  to: string;
  key: string;
  acceptWarnings: boolean;
  requestApproval: boolean;
}

export function usePromoteRun(onStep: (step: Step) => void) {
  const qc = useQueryClient();
  const forward = useStepRef(onStep);
  return useMutation<PromoteOutcome, ErrorReport, PromoteVars>({
    mutationFn: (v) => withProgress(forward, () => approvalsApi.promoteRun(v.from, v.to, v.key, v.acceptWarnings, v.requestApproval)),
    onSettled: () => qc.invalidateQueries({ queryKey: publishKeys.all }),
  });
}

/** The bundles waiting for approval on an environment: only when asked. */
export const usePendingList = (environment: string | null, url: string) =>
  useQuery<PendingSummary[], ErrorReport>({
    queryKey: publishKeys.pending(environment ?? "", url),
    queryFn: () => approvalsApi.pendingList(environment ?? "", url.trim() || null),
    enabled: !!environment,
    retry: false,
    refetchOnWindowFocus: false,
  });

export interface PendingRef {
  environment: string;
  digest: string;
  /** The service's URL; empty: the environment's saved URL. */
  url: string;
}

/** Opens a pending bundle for review (verified, diff, lint, impact). */
export const usePendingOpen = () =>
  useMutation<PendingReview, ErrorReport, PendingRef>({
    mutationFn: (r) => approvalsApi.pendingOpen(r.environment, r.digest, r.url.trim() || null),
  });

export function useApprove() {
  const qc = useQueryClient();
  return useMutation<ApproveOutcome, ErrorReport, PendingRef & { key: string; note: string }>({
    mutationFn: (v) => approvalsApi.pendingApprove(v.environment, v.digest, v.key, v.note.trim() || null, v.url.trim() || null),
    onSettled: () => qc.invalidateQueries({ queryKey: publishKeys.all }),
  });
}

export const useProvenance = () =>
  useQuery<Provenance[], ErrorReport>({ queryKey: publishKeys.provenance, queryFn: approvalsApi.publishedProvenance });

/** "1 of 2 signatures". */
export const signaturesLine = (signatures: number, threshold: number) =>
  `${signatures} of ${threshold} signature${threshold === 1 ? "" : "s"}`;
