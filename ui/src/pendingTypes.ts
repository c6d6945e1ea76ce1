// Types of IPC results whose generated bindings do not exist yet. Each will be
// replaced by the file ts-rs generates from Rust (ui/src/bindings).
import type { Campaign } from "./bindings/Campaign";
import type { Constraints } from "./bindings/Constraints";
import type { Content } from "./bindings/Content";
import type { PageType } from "./bindings/PageType";
import type { PlanEntry } from "./bindings/PlanEntry";
import type { Product } from "./bindings/Product";
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

// TODO: replace with generated binding
export type CatalogFormat = "csv" | "shopify" | "gmc_tsv" | "gmc_xml";

// TODO: replace with generated binding
export type CatalogImportReport = {
  file: string;
  format: CatalogFormat;
  rows: number;
  created: number;
  updated: number;
  /** (column, field) in file order. */
  mapping: Array<[string, string]>;
  /** The first rows as they will be stored. */
  sample: Array<Product>;
  dry_run: boolean;
};
