// IPC and React Query hooks for the Simulate section (preview, batch
// simulation, impact diff, problems). Components call only these.
import { invoke } from "@tauri-apps/api/core";
import { listenUntilCleanup } from "../events";
import { save } from "@tauri-apps/plugin-dialog";
import { useEffect, useState } from "react";
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, toErrorReport } from "../api";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { ImpactReport } from "../bindings/ImpactReport";
import type { Persona } from "../bindings/Persona";
import type { Product } from "../bindings/Product";
import type { ShopperRow } from "../bindings/ShopperRow";
import type { SimReport } from "../bindings/SimReport";
import { keys, useDebounced } from "../queries";

// ---------- shapes generated from Rust (ts-rs) ----------

// The engine's decision (DESIGN §7, crates/engine/src/plan/decision.rs) and
// its trace (crates/engine/src/plan/trace.rs).
export type { Decision } from "../bindings/Decision";
export type { Block } from "../bindings/Block";
export type { FallbackReason } from "../bindings/FallbackReason";
export type { Trace } from "../bindings/Trace";
export type { PlacementTrace } from "../bindings/PlacementTrace";
export type { CandidateTrace } from "../bindings/CandidateTrace";
export type { Outcome } from "../bindings/Outcome";
export type { WinnerTrace } from "../bindings/WinnerTrace";
export type { HoldoutTrace } from "../bindings/HoldoutTrace";
export type { VariantTrace } from "../bindings/VariantTrace";
export type { ProductTrace } from "../bindings/ProductTrace";
export type { FilterCounts } from "../bindings/FilterCounts";
import type { Decision } from "../bindings/Decision";

// Generated from Rust (ts-rs): what the preview screen needs to start.
export type { PreviewPlacement } from "../bindings/PreviewPlacement";
export type { PreviewPage } from "../bindings/PreviewPage";
export type { PreviewProduct } from "../bindings/PreviewProduct";
export type { PreviewContext } from "../bindings/PreviewContext";
import type { PreviewContext } from "../bindings/PreviewContext";

export interface PreviewResult {
  decision: Decision;
  /** The engine's own readable rendering of the page and its trace. */
  text: string;
  digest: string;
}

export interface SimProgress {
  done: number;
  total?: number | null;
  elapsed_ms: number;
  eta_ms?: number | null;
}

export interface SimLast {
  report: SimReport;
  digest: string;
  finished_at: string;
}

export interface SimRunArgs {
  pages: string[] | null;
  at: string | null;
  from: string | null;
  to: string | null;
  step: string | null;
}

export type ExportFormat = "csv" | "html";

/** Rust emits this while `simulation_run` works. */
export const SIMULATION_PROGRESS = "simulation-progress";

// ---------- IPC ----------

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toErrorReport(e);
  }
}

export const simApi = {
  previewContext: () => call<PreviewContext>("preview_context"),
  previewDecide: (shopper: Record<string, unknown>, page: string, at: string | null, product: string | null) =>
    call<PreviewResult>("preview_decide", { shopper, page, at, product }),
  shopperGet: (id: string) => call<ShopperRow>("shopper_get", { id }),
  personaList: () => call<Persona[]>("persona_list"),
  personaSave: (persona: Persona) => call<null>("persona_save", { persona }),
  personaDelete: (name: string) => call<null>("persona_delete", { name }),
  simulationRun: (a: SimRunArgs) => call<SimReport>("simulation_run", { ...a }),
  simulationCancel: () => call<null>("simulation_cancel"),
  simulationLast: () => call<SimLast | null>("simulation_last"),
  simulationExport: (format: ExportFormat, path: string) => call<null>("simulation_export", { format, path }),
  simulationDrilldown: (key: string) => call<ShopperRow[]>("simulation_drilldown", { key }),
  impactRun: (environment: string | null) => call<ImpactReport>("impact_run", { environment }),
};

/** A native save dialog for an exported report; null when cancelled. */
export async function chooseExportPath(format: ExportFormat): Promise<string | null> {
  const path = await save({
    title: format === "csv" ? "Export simulation metrics (CSV)" : "Export simulation report (HTML)",
    filters: [format === "csv" ? { name: "CSV", extensions: ["csv"] } : { name: "HTML", extensions: ["html"] }],
    defaultPath: format === "csv" ? "simulation.csv" : "simulation.html",
  });
  if (!path) return null;
  return path.endsWith(`.${format}`) ? path : `${path}.${format}`;
}

/** A run stopped by `simulation_cancel` rejects with kind "cancelled" or a message saying so. */
export function isCancelled(e: ErrorReport | null | undefined): boolean {
  if (!e) return false;
  return (e.kind as string) === "cancelled" || /cancel/i.test(e.message);
}

// ---------- query keys ----------

export const simKeys = {
  context: ["preview_context"] as const,
  decide: (shopper: Record<string, unknown>, page: string, at: string | null, product: string | null) =>
    ["preview_decide", JSON.stringify(shopper), page, at, product] as const,
  shopper: (id: string) => ["shopper_get", id] as const,
  personas: ["persona_list"] as const,
  last: ["simulation_last"] as const,
  drilldown: (key: string) => ["simulation_drilldown", key] as const,
};

// ---------- hooks ----------

export const usePreviewContext = () => useQuery({ queryKey: simKeys.context, queryFn: simApi.previewContext });

export const usePersonas = () => useQuery({ queryKey: simKeys.personas, queryFn: simApi.personaList });

/** The page for a profile, re-decided ~50 ms after the last edit; the previous page stays while it works. */
export function usePreviewDecide(
  shopper: Record<string, unknown> | null,
  page: string | null,
  at: string | null,
  product: string | null,
  debounceMs = 50,
) {
  const input = { shopper, page, at, product };
  const debounced = useDebounced(input, debounceMs);
  const d = debounced;
  return useQuery({
    queryKey: simKeys.decide(d.shopper ?? {}, d.page ?? "", d.at, d.product),
    queryFn: () => simApi.previewDecide(d.shopper ?? {}, d.page ?? "", d.at, d.product),
    enabled: !!d.shopper && !!d.page,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useLoadShopper() {
  const qc = useQueryClient();
  return useMutation<ShopperRow, ErrorReport, string>({
    mutationFn: (id) => qc.fetchQuery({ queryKey: simKeys.shopper(id), queryFn: () => simApi.shopperGet(id), staleTime: 5_000 }),
  });
}

export function useSavePersona() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, Persona>({
    mutationFn: (p) => simApi.personaSave(p),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: simKeys.personas });
      void qc.invalidateQueries({ queryKey: simKeys.context });
    },
  });
}

export function useDeletePersona() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, string>({
    mutationFn: (name) => simApi.personaDelete(name),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: simKeys.personas });
      void qc.invalidateQueries({ queryKey: simKeys.context });
    },
  });
}

export const useSimulationLast = () => useQuery({ queryKey: simKeys.last, queryFn: simApi.simulationLast });

/** Progress events of the current run (null when none arrived yet). */
export function useSimulationProgress(active: boolean): SimProgress | null {
  const [progress, setProgress] = useState<SimProgress | null>(null);
  useEffect(() => {
    if (!active) return;
    setProgress(null);
    return listenUntilCleanup<SimProgress>(SIMULATION_PROGRESS, setProgress);
  }, [active]);
  return progress;
}

export function useSimulationRun() {
  const qc = useQueryClient();
  return useMutation<SimReport, ErrorReport, SimRunArgs>({
    mutationFn: (a) => simApi.simulationRun(a),
    onSuccess: () => void qc.invalidateQueries({ queryKey: simKeys.last }),
  });
}

export function useSimulationCancel() {
  return useMutation<null, ErrorReport, void>({ mutationFn: () => simApi.simulationCancel() });
}

export function useSimulationExport() {
  return useMutation<string | null, ErrorReport, { format: ExportFormat; path: string }>({
    mutationFn: async ({ format, path }) => {
      const target = path.trim() || (await chooseExportPath(format));
      if (!target) return null;
      await simApi.simulationExport(format, target);
      return target;
    },
  });
}

export const useDrilldown = (key: string | null) =>
  useQuery({
    queryKey: simKeys.drilldown(key ?? ""),
    queryFn: () => simApi.simulationDrilldown(key ?? ""),
    enabled: !!key,
  });

export function useImpactRun() {
  return useMutation<ImpactReport, ErrorReport, string | null>({ mutationFn: (env) => simApi.impactRun(env) });
}

/**
 * Catalog facts (price, stock, margin) for the products on a previewed page,
 * looked up one by one with the catalog IPC (filter = id), cached per id.
 */
export function useProductFacts(ids: string[]): Map<string, Product> {
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: keys.catalog(0, 5, null, false, id),
      queryFn: () => api.catalogPage(0, 5, null, false, id),
      staleTime: 30_000,
    })),
  });
  const out = new Map<string, Product>();
  results.forEach((r, i) => {
    const hit = r.data?.rows.find((p) => p.id === unique[i]);
    if (hit) out.set(hit.id, hit);
  });
  return out;
}
