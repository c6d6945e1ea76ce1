// The sections of the workspace sidebar.
export type SectionId =
  | "segments"
  | "attributes"
  | "shoppers"
  | "content-plan"
  | "constraints"
  | "catalog"
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
  { id: "content-plan", label: "Content plan", comingWith: "the decision engine" },
  { id: "constraints", label: "Constraints", comingWith: "the decision engine" },
  { id: "catalog", label: "Catalog", comingWith: "the decision engine" },
  { id: "simulate", label: "Simulate", comingWith: "the decision engine" },
  { id: "publish", label: "Publish", comingWith: "publishing (signed bundles)" },
  { id: "history", label: "History" },
];
