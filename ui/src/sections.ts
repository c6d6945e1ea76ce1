// The sections of the workspace sidebar.
export type SectionId =
  | "segments"
  | "attributes"
  | "shoppers"
  | "journey"
  | "content"
  | "content-plan"
  | "campaigns"
  | "constraints"
  | "catalog"
  | "review"
  | "simulate"
  | "publish"
  | "history";

export interface Section {
  id: SectionId;
  label: string;
  /** Not built yet: shows an honest empty state. */
  comingWith?: string;
}

export const SECTIONS: readonly Section[] = [
  { id: "segments", label: "Segments" },
  { id: "attributes", label: "Attributes" },
  { id: "shoppers", label: "Shoppers" },
  { id: "journey", label: "Journey & pages" },
  { id: "content", label: "Content" },
  { id: "content-plan", label: "Content plan" },
  { id: "campaigns", label: "Campaigns" },
  { id: "constraints", label: "Constraints" },
  { id: "catalog", label: "Catalog" },
  { id: "review", label: "Due for review" },
  { id: "simulate", label: "Simulate" },
  { id: "publish", label: "Publish" },
  { id: "history", label: "History" },
];

/** An item another screen asks to open (review list, "used by" links…). */
export type OpenTarget = { kind: "segment" | "entry" | "content" | "campaign" | "page_type"; key: string; nonce: number };
