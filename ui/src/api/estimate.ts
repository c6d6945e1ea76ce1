// IPC and React Query hooks for Simulate → Estimates: the event sets stored
// in the workspace and the off-policy estimate of the draft on them
// (src-tauri/src/estimate.rs; figures from `tailor_estimate::estimate_draft`,
// the function `tailor estimate` calls). Components call only these.
import { invoke } from "@tauri-apps/api/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toErrorReport } from "../api";
import { chooseEventsFile } from "../dialogs";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { EstimateReport } from "../bindings/EstimateReport";
import type { EstimateRequest } from "../bindings/EstimateRequest";
import type { EventSet } from "../bindings/EventSet";

export type { EstimateReport } from "../bindings/EstimateReport";
export type { EstimateRequest } from "../bindings/EstimateRequest";
export type { EventSet } from "../bindings/EventSet";

// ---------- IPC ----------

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toErrorReport(e);
  }
}

export const estimateApi = {
  eventSets: () => call<EventSet[]>("event_sets"),
  /** JSON Lines only (`.jsonl`, `.ndjson`); the whole file or nothing. */
  eventsImport: (path: string, name: string | null) => call<EventSet>("events_import", { path, name }),
  eventSetDelete: (id: number) => call<null>("event_set_delete", { id }),
  /** One set, or every stored set when `set` is null. */
  estimateRun: (request: EstimateRequest, set: number | null) => call<EstimateReport>("estimate_run", { request, set }),
};

// ---------- query keys ----------

export const estimateKeys = {
  eventSets: ["event_sets"] as const,
};

// ---------- hooks ----------

export const useEventSets = () => useQuery({ queryKey: estimateKeys.eventSets, queryFn: estimateApi.eventSets });

export interface ImportArgs {
  /** A path typed by the user; null opens the native file dialog. */
  path: string | null;
  name: string | null;
}

/** Imports a JSON Lines file; resolves to null when the file dialog was cancelled. */
export function useImportEvents() {
  const qc = useQueryClient();
  return useMutation<EventSet | null, ErrorReport, ImportArgs>({
    mutationFn: async ({ path, name }) => {
      const file = path?.trim() || (await chooseEventsFile());
      if (!file) return null;
      return estimateApi.eventsImport(file, name?.trim() || null);
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: estimateKeys.eventSets }),
  });
}

export function useDeleteEventSet() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, number>({
    mutationFn: (id) => estimateApi.eventSetDelete(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: estimateKeys.eventSets }),
  });
}

export interface EstimateArgs {
  request: EstimateRequest;
  set: number | null;
}

/** Runs on demand (the Run button): an estimate decides the draft for every event. */
export function useEstimateRun() {
  return useMutation<EstimateReport, ErrorReport, EstimateArgs>({
    mutationFn: ({ request, set }) => estimateApi.estimateRun(request, set),
  });
}

/** The request as the form describes it; absent fields take the CLI's defaults. */
export function buildRequest(form: {
  reward: string | null;
  at: string;
  method: "normal" | "bootstrap";
  resamples: number;
  seed: number;
}): EstimateRequest {
  const request: EstimateRequest = { seed: form.method === "bootstrap" ? form.seed : 1 };
  if (form.reward) request.reward = form.reward;
  if (form.at.trim()) request.at = form.at.trim();
  if (form.method === "bootstrap") request.bootstrap = form.resamples;
  return request;
}
