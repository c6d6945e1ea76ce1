// React Query hooks over api.ts. Components fetch and mutate only through here.
import { useEffect, useState } from "react";
import {
  keepPreviousData,
  useMutation,
  useQuery,
  hashKey,
  useQueryClient,
  type QueryClient,
  type QueryKey,
} from "@tanstack/react-query";
import { listenUntilCleanup } from "./events";
import { api, WORKSPACE_CHANGED } from "./api";
import { setLastPull } from "./api/publish";
import type { Attribute } from "./bindings/Attribute";
import type { Campaign } from "./bindings/Campaign";
import type { Constraints } from "./bindings/Constraints";
import type { Content } from "./bindings/Content";
import type { EntityKind } from "./bindings/EntityKind";
import type { PageType } from "./bindings/PageType";
import type { PlanEntry } from "./bindings/PlanEntry";
import type { Stage } from "./bindings/Stage";
import type { Versioned } from "./bindings/Versioned";
import type { CatalogFormat } from "./bindings/CatalogFormat";
import type { Condition } from "./bindings/Condition";
import type { ErrorReport } from "./bindings/ErrorReport";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { Segment } from "./bindings/Segment";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";

// Every IPC rejection is turned into an ErrorReport by api.ts.
declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ErrorReport;
  }
}

export const keys = {
  workspace: ["workspace"] as const,
  recent: ["recent"] as const,
  attributes: ["attributes"] as const,
  attributeValues: (name: string) => ["attribute_values", name] as const,
  shoppers: (offset: number, limit: number) => ["shoppers", offset, limit] as const,
  segments: ["segments"] as const,
  reach: (condition: Condition) => ["reach", JSON.stringify(condition)] as const,
  parse: (text: string) => ["condition_parse", text] as const,
  print: (condition: Condition) => ["condition_print", JSON.stringify(condition)] as const,
  history: (limit: number) => ["history", limit] as const,
  plan: ["plan_data"] as const,
  lint: ["lint"] as const,
  itemHistory: (kind: EntityKind, key: string) => ["item_history", kind, key] as const,
  catalog: (offset: number, limit: number, sort: string | null, descending: boolean, filter: string | null) =>
    ["catalog_page", offset, limit, sort, descending, filter] as const,
  hygiene: (staleDays: number) => ["catalog_hygiene", staleDays] as const,
};

/** A value that follows `value` after it has been still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return current;
}

/** Drop everything cached for the previous workspace and adopt the new one. */
export function switchWorkspace(qc: QueryClient, info: WorkspaceInfo | null) {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "workspace" && q.queryKey[0] !== "recent" });
  qc.setQueryData(keys.workspace, info);
  setLastPull(null); // a pull's report belongs to the workspace it merged into
  void qc.invalidateQueries({ queryKey: keys.recent });
}

/** Rust emits `workspace-changed` after every mutation, undo, redo, open and close. */
export function useWorkspaceChangedListener() {
  const qc = useQueryClient();
  useEffect(() => listenUntilCleanup(WORKSPACE_CHANGED, () => void qc.invalidateQueries()), [qc]);
}

// ---------- queries ----------

export const useWorkspace = () =>
  useQuery<WorkspaceInfo | null, ErrorReport>({ queryKey: keys.workspace, queryFn: api.workspaceCurrent });

export const useRecent = () => useQuery({ queryKey: keys.recent, queryFn: api.workspaceRecent });

export const useAttributes = () =>
  useQuery({ queryKey: keys.attributes, queryFn: api.attributeList });

export const useAttributeValues = (name: string | undefined) =>
  useQuery({
    queryKey: keys.attributeValues(name ?? ""),
    queryFn: () => api.attributeValues(name ?? ""),
    enabled: !!name,
    staleTime: 30_000,
  });

export const useShopperPage = (offset: number, limit: number) =>
  useQuery({
    queryKey: keys.shoppers(offset, limit),
    queryFn: () => api.shopperPage(offset, limit),
    placeholderData: keepPreviousData,
  });

export const useSegments = () => useQuery({ queryKey: keys.segments, queryFn: api.segmentList });

/**
 * What to ask Rust about now, for a value that changes with every keystroke:
 * the value itself, unless the answer for the value asked about last is still
 * on its way. Then that one is kept, and the newest value goes out as soon as
 * the answer lands (the values typed in between are skipped). So a keystroke
 * is asked about at once, with no debounce, and at most one request per
 * editor is in flight however fast the typing. Each answer is cached under
 * its own value's key, so an older answer can never be shown for a newer
 * value. `previous` is the value asked about before `asked`.
 */
function useAskWhenIdle<T>(value: T, keyOf: (v: T) => QueryKey, enabled: boolean) {
  const qc = useQueryClient();
  const [held, setHeld] = useState<{ asked: T; previous: T | null }>({ asked: value, previous: null });
  const same = hashKey(keyOf(value)) === hashKey(keyOf(held.asked));
  const busy = enabled && qc.getQueryState(keyOf(held.asked))?.fetchStatus === "fetching";
  if (same || busy) return { asked: held.asked, previous: held.previous, settled: same };
  // Adjusting state while rendering: React renders again before committing.
  setHeld({ asked: value, previous: held.asked });
  return { asked: value, previous: held.asked, settled: true };
}

/**
 * Live reach of a condition; `null` means "nothing to evaluate" (incomplete
 * or unparsable). While the reach of a new condition is on its way, the last
 * one stays shown with `pending` set.
 */
export const useReach = (condition: Condition | null) => {
  const { asked, settled } = useAskWhenIdle(condition, (c) => (c === null ? ["reach", null] : keys.reach(c)), condition !== null);
  const query = useQuery({
    queryKey: keys.reach(asked ?? "true"),
    queryFn: () => api.reach(asked as Condition),
    enabled: asked !== null,
    placeholderData: keepPreviousData,
  });
  return { ...query, pending: !settled || query.isFetching };
};

/**
 * The condition text parsed and type-checked as it is typed. While the parse
 * of the newest text is on its way, the previous text's answer (its condition
 * or its error) stays shown, so the editor does not flicker on every
 * keystroke; `settled` is true once the answer shown is the current text's.
 */
export const useConditionParse = (text: string, enabled: boolean) => {
  const qc = useQueryClient();
  const { asked, previous } = useAskWhenIdle(text, keys.parse, enabled);
  const query = useQuery({
    queryKey: keys.parse(asked),
    queryFn: () => api.conditionParse(asked),
    enabled,
  });
  const before = query.isPending && previous !== null ? qc.getQueryState<Condition, ErrorReport>(keys.parse(previous)) : undefined;
  const data = query.isPending ? before?.data : query.data;
  const error = query.isPending ? (before?.error ?? null) : query.error;
  const answer =
    data !== undefined && !error
      ? { isSuccess: true as const, data, error: null }
      : { isSuccess: false as const, data: undefined, error };
  return { ...answer, isFetching: query.isFetching, settled: asked === text && !query.isPending };
};

export const useHistory = (limit: number) =>
  useQuery({ queryKey: keys.history(limit), queryFn: () => api.historyList(limit) });

// ---------- mutations ----------

/** After any write, refresh everything (Rust also emits workspace-changed). */
function useInvalidateAll() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries();
}

export function useOpenWorkspace() {
  const qc = useQueryClient();
  return useMutation<WorkspaceInfo, ErrorReport, { path: string; create: boolean }>({
    mutationFn: ({ path, create }) => (create ? api.workspaceCreate(path) : api.workspaceOpen(path)),
    onSuccess: (info) => switchWorkspace(qc, info),
  });
}

export function useCloseWorkspace() {
  const qc = useQueryClient();
  return useMutation<null, ErrorReport, void>({
    mutationFn: () => api.workspaceClose(),
    onSuccess: () => switchWorkspace(qc, null),
  });
}

export function useUndoRedo() {
  const qc = useQueryClient();
  const onSuccess = (info: WorkspaceInfo) => {
    qc.setQueryData(keys.workspace, info);
    void qc.invalidateQueries();
  };
  const undo = useMutation<WorkspaceInfo, ErrorReport, void>({ mutationFn: () => api.undo(), onSuccess });
  const redo = useMutation<WorkspaceInfo, ErrorReport, void>({ mutationFn: () => api.redo(), onSuccess });
  return { undo, redo };
}

export function useSaveAttribute() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ attribute, expectedRevision }: { attribute: Attribute; expectedRevision: number | null }) =>
      api.attributeSave(attribute, expectedRevision),
    onSuccess: invalidate,
  });
}

export function useDeleteAttribute() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ name, revision }: { name: string; revision: number }) => api.attributeDelete(name, revision),
    onSuccess: invalidate,
  });
}

export function useSaveSegment() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ segment, expectedRevision }: { segment: Segment; expectedRevision: number | null }) =>
      api.segmentSave(segment, expectedRevision),
    onSuccess: invalidate,
  });
}

export function useDeleteSegment() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ name, revision }: { name: string; revision: number }) => api.segmentDelete(name, revision),
    onSuccess: invalidate,
  });
}

export function useImportShoppers() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ path, options, dryRun }: { path: string; options: ImportOptions; dryRun: boolean }) =>
      api.importShoppers(path, options, dryRun),
    onSuccess: (report) => {
      if (!report.dry_run) void invalidate();
    },
  });
}

export function usePrintCondition() {
  return useMutation({ mutationFn: (condition: Condition) => api.conditionPrint(condition) });
}

// ---------- content plan ----------

export const usePlanData = () => useQuery({ queryKey: keys.plan, queryFn: api.planData });

/** Lint findings; failures are shown as "lint unavailable", never block a screen. */
export const useLint = () => useQuery({ queryKey: keys.lint, queryFn: api.lint, staleTime: 2_000 });

export const useItemHistory = (kind: EntityKind, key: string | null) =>
  useQuery({
    queryKey: keys.itemHistory(kind, key ?? ""),
    queryFn: () => api.itemHistory(kind, key ?? ""),
    enabled: !!key,
  });

export const useCatalogPage = (offset: number, limit: number, sort: string | null, descending: boolean, filter: string | null) =>
  useQuery({
    queryKey: keys.catalog(offset, limit, sort, descending, filter),
    queryFn: () => api.catalogPage(offset, limit, sort, descending, filter),
    placeholderData: keepPreviousData,
  });

export const useCatalogHygiene = (staleDays: number) =>
  useQuery({ queryKey: keys.hygiene(staleDays), queryFn: () => api.catalogHygiene(staleDays) });

/** A save with optimistic-concurrency revision; resolves to the stored version. */
type SaveVars<T> = { item: T; expectedRevision: number | null };
type DeleteVars = { key: string; revision: number };

function useSave<T>(fn: (item: T, expectedRevision: number | null) => Promise<Versioned<T>>) {
  const invalidate = useInvalidateAll();
  return useMutation<Versioned<T>, ErrorReport, SaveVars<T>>({
    mutationFn: ({ item, expectedRevision }) => fn(item, expectedRevision),
    onSuccess: invalidate,
  });
}

function useDelete(fn: (key: string, expectedRevision: number) => Promise<null>) {
  const invalidate = useInvalidateAll();
  return useMutation<null, ErrorReport, DeleteVars>({
    mutationFn: ({ key, revision }) => fn(key, revision),
    onSuccess: invalidate,
  });
}

export const useSaveStage = () => useSave<Stage>(api.stageSave);
export const useDeleteStage = () => useDelete(api.stageDelete);
export const useSavePageType = () => useSave<PageType>(api.pageTypeSave);
export const useDeletePageType = () => useDelete(api.pageTypeDelete);
export const useSaveContent = () => useSave<Content>(api.contentSave);
export const useDeleteContent = () => useDelete(api.contentDelete);
export const useSaveCampaign = () => useSave<Campaign>(api.campaignSave);
export const useDeleteCampaign = () => useDelete(api.campaignDelete);
export const useSaveEntry = () => useSave<PlanEntry>(api.entrySave);
export const useDeleteEntry = () => useDelete(api.entryDelete);

export function useReorderEntries() {
  const invalidate = useInvalidateAll();
  return useMutation<null, ErrorReport, string[]>({ mutationFn: (ids) => api.entryReorder(ids), onSuccess: invalidate });
}

export function useSaveConstraints() {
  const invalidate = useInvalidateAll();
  return useMutation<null, ErrorReport, Constraints>({ mutationFn: (c) => api.constraintsSave(c), onSuccess: invalidate });
}

export function useRevertItem() {
  const invalidate = useInvalidateAll();
  return useMutation<null, ErrorReport, { kind: EntityKind; key: string; txn: number }>({
    mutationFn: ({ kind, key, txn }) => api.itemRevert(kind, key, txn),
    onSuccess: invalidate,
  });
}

export function useImportCatalog() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ path, format, mapping, dryRun }: { path: string; format: CatalogFormat; mapping: Record<string, string>; dryRun: boolean }) =>
      api.catalogImport(path, format, mapping, dryRun),
    onSuccess: (report) => {
      if (!report.dry_run) void invalidate();
    },
  });
}
