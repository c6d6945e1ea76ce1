// The one IPC layer: every Tauri command the UI calls, typed with the
// bindings generated from Rust (ui/src/bindings, never edited by hand).
import { invoke } from "@tauri-apps/api/core";
import type { Attribute } from "./bindings/Attribute";
import type { Campaign } from "./bindings/Campaign";
import type { CatalogPage } from "./bindings/CatalogPage";
import type { Constraints } from "./bindings/Constraints";
import type { Content } from "./bindings/Content";
import type { EntityKind } from "./bindings/EntityKind";
import type { Finding } from "./bindings/Finding";
import type { HygieneReport } from "./bindings/HygieneReport";
import type { PageType } from "./bindings/PageType";
import type { PlanEntry } from "./bindings/PlanEntry";
import type { Stage } from "./bindings/Stage";
import type { Versioned } from "./bindings/Versioned";
import type { CatalogFormat } from "./bindings/CatalogFormat";
import type { CatalogImportReport } from "./bindings/CatalogImportReport";
import type { PlanData } from "./bindings/PlanData";
import type { AttributeRow } from "./bindings/AttributeRow";
import type { Condition } from "./bindings/Condition";
import type { ErrorReport } from "./bindings/ErrorReport";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { ImportReport } from "./bindings/ImportReport";
import type { ReachReport } from "./bindings/ReachReport";
import type { RecentWorkspace } from "./bindings/RecentWorkspace";
import type { Segment } from "./bindings/Segment";
import type { SegmentRow } from "./bindings/SegmentRow";
import type { ShopperPage } from "./bindings/ShopperPage";
import type { ValueCount } from "./bindings/ValueCount";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";

/** Name of the event Rust emits after every mutation, undo, redo, open and close. */
export const WORKSPACE_CHANGED = "workspace-changed";

export function isErrorReport(e: unknown): e is ErrorReport {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { kind?: unknown }).kind === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/** Every rejection becomes an ErrorReport so screens have one shape to show. */
export function toErrorReport(e: unknown): ErrorReport {
  if (isErrorReport(e)) return e;
  if (e instanceof Error) return { kind: "internal", message: e.message };
  if (typeof e === "string") return { kind: "internal", message: e };
  return { kind: "internal", message: "Something went wrong: " + JSON.stringify(e) };
}

/** Invokes a Tauri command; every rejection becomes an ErrorReport. */
export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toErrorReport(e);
  }
}

export const api = {
  workspaceCreate: (path: string) => call<WorkspaceInfo>("workspace_create", { path }),
  workspaceOpen: (path: string) => call<WorkspaceInfo>("workspace_open", { path }),
  workspaceCurrent: () => call<WorkspaceInfo | null>("workspace_current"),
  workspaceRecent: () => call<RecentWorkspace[]>("workspace_recent"),
  workspaceClose: () => call<null>("workspace_close"),

  attributeList: () => call<AttributeRow[]>("attribute_list"),
  attributeSave: (attribute: Attribute, expectedRevision: number | null) =>
    call<AttributeRow>("attribute_save", { attribute, expectedRevision }),
  attributeDelete: (name: string, expectedRevision: number) =>
    call<null>("attribute_delete", { name, expectedRevision }),
  attributeValues: (name: string) => call<ValueCount[]>("attribute_values", { name }),

  shopperPage: (offset: number, limit: number) => call<ShopperPage>("shopper_page", { offset, limit }),
  importShoppers: (path: string, options: ImportOptions, dryRun: boolean) =>
    call<ImportReport>("import_shoppers", { path, options, dryRun }),

  segmentList: () => call<SegmentRow[]>("segment_list"),
  segmentSave: (segment: Segment, expectedRevision: number | null) =>
    call<SegmentRow>("segment_save", { segment, expectedRevision }),
  segmentDelete: (name: string, expectedRevision: number) =>
    call<null>("segment_delete", { name, expectedRevision }),

  conditionParse: (text: string) => call<Condition>("condition_parse", { text }),
  conditionPrint: (condition: Condition) => call<string>("condition_print", { condition }),
  reach: (condition: Condition) => call<ReachReport>("reach", { condition }),

  historyList: (limit: number) => call<HistoryEntry[]>("history_list", { limit }),
  undo: () => call<WorkspaceInfo>("undo"),
  redo: () => call<WorkspaceInfo>("redo"),

  lint: () => call<Finding[]>("lint"),

  planData: () => call<PlanData>("plan_data"),
  stageSave: (item: Stage, expectedRevision: number | null) => call<Versioned<Stage>>("stage_save", { item, expectedRevision }),
  stageDelete: (key: string, expectedRevision: number) => call<null>("stage_delete", { key, expectedRevision }),
  pageTypeSave: (item: PageType, expectedRevision: number | null) =>
    call<Versioned<PageType>>("page_type_save", { item, expectedRevision }),
  pageTypeDelete: (key: string, expectedRevision: number) => call<null>("page_type_delete", { key, expectedRevision }),
  contentSave: (item: Content, expectedRevision: number | null) =>
    call<Versioned<Content>>("content_save", { item, expectedRevision }),
  contentDelete: (key: string, expectedRevision: number) => call<null>("content_delete", { key, expectedRevision }),
  campaignSave: (item: Campaign, expectedRevision: number | null) =>
    call<Versioned<Campaign>>("campaign_save", { item, expectedRevision }),
  campaignDelete: (key: string, expectedRevision: number) => call<null>("campaign_delete", { key, expectedRevision }),
  entrySave: (item: PlanEntry, expectedRevision: number | null) =>
    call<Versioned<PlanEntry>>("entry_save", { item, expectedRevision }),
  entryDelete: (key: string, expectedRevision: number) => call<null>("entry_delete", { key, expectedRevision }),
  entryReorder: (orderedIds: string[]) => call<null>("entry_reorder", { orderedIds }),
  constraintsSave: (constraints: Constraints) => call<null>("constraints_save", { constraints }),

  itemHistory: (kind: EntityKind, key: string) => call<HistoryEntry[]>("item_history", { kind, key }),
  itemRevert: (kind: EntityKind, key: string, txn: number) => call<null>("item_revert", { kind, key, txn }),

  catalogPage: (offset: number, limit: number, sort: string | null, descending: boolean, filter: string | null) =>
    call<CatalogPage>("catalog_page", { offset, limit, sort, descending, filter }),
  catalogImport: (path: string, format: CatalogFormat, mapping: Record<string, string>, dryRun: boolean) =>
    call<CatalogImportReport>("catalog_import", { path, format, mapping, dryRun }),
  catalogHygiene: (staleDays: number) => call<HygieneReport>("catalog_hygiene", { staleDays }),

  exampleList: () => call<ExampleInfo[]>("example_list"),
  workspaceCreateExample: (path: string, example: string) =>
    call<WorkspaceInfo>("workspace_create_example", { path, example }),
};

/** One bundled example workspace (`example_list`). */
export interface ExampleInfo {
  name: string;
  description: string;
}
