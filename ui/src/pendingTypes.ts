// Types of IPC results whose generated bindings do not exist yet. Each will be
// replaced by the file ts-rs generates from Rust (ui/src/bindings).
import type { Campaign } from "./bindings/Campaign";
import type { Constraints } from "./bindings/Constraints";
import type { Content } from "./bindings/Content";
import type { PageType } from "./bindings/PageType";
import type { PlanEntry } from "./bindings/PlanEntry";
import type { SegmentRow } from "./bindings/SegmentRow";
import type { Stage } from "./bindings/Stage";
import type { Versioned } from "./bindings/Versioned";

// TODO: replace with generated binding
export type PlanData = {
  stages: Array<Versioned<Stage>>;
  page_types: Array<Versioned<PageType>>;
  content: Array<Versioned<Content>>;
  campaigns: Array<Versioned<Campaign>>;
  entries: Array<Versioned<PlanEntry>>;
  constraints: Constraints;
  segments: Array<SegmentRow>;
  product_count: number;
};

// Generated now; re-exported so imports stay stable.
export type { CatalogFormat } from "./bindings/CatalogFormat";
export type { CatalogImportReport } from "./bindings/CatalogImportReport";
