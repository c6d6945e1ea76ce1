// Column mapping for generic CSV catalog imports: product field → column.
import type { CatalogFormat } from "../bindings/CatalogFormat";
import type { CatalogImportReport } from "../bindings/CatalogImportReport";

export const PRODUCT_FIELDS = [
  "id",
  "title",
  "category",
  "price",
  "cost",
  "margin",
  "stock",
  "collection",
  "tags",
  "reorder_interval_days",
  "rank",
  "image_url",
  "updated",
] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];
export type Mapping = Partial<Record<ProductField, string>>;

export const FORMATS: { value: CatalogFormat; label: string }[] = [
  { value: "csv", label: "Generic CSV (map the columns)" },
  { value: "shopify", label: "Shopify product export (CSV)" },
  { value: "gmc_tsv", label: "Google Merchant Center feed (TSV)" },
  { value: "gmc_xml", label: "Google Merchant Center feed (XML)" },
];

const isField = (f: string): f is ProductField => (PRODUCT_FIELDS as readonly string[]).includes(f);

/** The file's columns, in file order, from a dry run's report. */
export function columnsOf(report: Pick<CatalogImportReport, "mapping">): string[] {
  return report.mapping.map(([column]) => column);
}

/** The mapping the importer settled on (columns named like a field map to it). */
export function mappingFromReport(report: Pick<CatalogImportReport, "mapping">): Mapping {
  const m: Mapping = {};
  for (const [column, field] of report.mapping) if (isField(field) && m[field] === undefined) m[field] = column;
  return m;
}

/** Map `field` to `column` ("" unmaps it); a column feeds at most one field. */
export function setMapping(m: Mapping, field: ProductField, column: string): Mapping {
  const out: Mapping = {};
  for (const f of PRODUCT_FIELDS) {
    const c = m[f];
    if (f !== field && c !== undefined && c !== column) out[f] = c;
  }
  if (column) out[field] = column;
  return out;
}

/** The `mapping` argument of catalog_import (only for generic CSV). */
export function mappingArg(format: CatalogFormat, m: Mapping): Record<string, string> {
  if (format !== "csv") return {};
  const out: Record<string, string> = {};
  for (const f of PRODUCT_FIELDS) {
    const c = m[f];
    if (c) out[f] = c;
  }
  return out;
}

/** Fields the import cannot do without. */
export function missingRequired(m: Mapping): ProductField[] {
  return (["id", "title"] as const).filter((f) => !m[f]);
}
