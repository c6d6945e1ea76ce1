// Native file dialogs (tauri-plugin-dialog). Each returns null when cancelled.
import { open, save } from "@tauri-apps/plugin-dialog";

const WORKSPACE_FILTER = [{ name: "Tailor workspace", extensions: ["tailor"] }];

export async function chooseNewWorkspacePath(): Promise<string | null> {
  const path = await save({ title: "Create workspace", filters: WORKSPACE_FILTER, defaultPath: "workspace.tailor" });
  if (!path) return null;
  return path.endsWith(".tailor") ? path : `${path}.tailor`;
}

export async function chooseWorkspaceToOpen(): Promise<string | null> {
  const path = await open({ title: "Open workspace", filters: WORKSPACE_FILTER, multiple: false, directory: false });
  return typeof path === "string" ? path : null;
}

export async function chooseShopperFile(): Promise<string | null> {
  const path = await open({
    title: "Import shoppers",
    filters: [
      { name: "Shopper data (CSV, JSON Lines, Parquet)", extensions: ["csv", "jsonl", "ndjson", "parquet"] },
      { name: "All files", extensions: ["*"] },
    ],
    multiple: false,
    directory: false,
  });
  return typeof path === "string" ? path : null;
}

export async function chooseCatalogFile(): Promise<string | null> {
  const path = await open({
    title: "Import catalog",
    filters: [
      { name: "Catalog (CSV, TSV, XML)", extensions: ["csv", "tsv", "txt", "xml"] },
      { name: "All files", extensions: ["*"] },
    ],
    multiple: false,
    directory: false,
  });
  return typeof path === "string" ? path : null;
}

/** Logged events for Simulate → Estimates: JSON Lines only (CSV and decision logs go through `tailor import events`). */
export async function chooseEventsFile(): Promise<string | null> {
  const path = await open({
    title: "Import logged events (JSON Lines)",
    filters: [
      { name: "Events (JSON Lines)", extensions: ["jsonl", "ndjson"] },
      { name: "All files", extensions: ["*"] },
    ],
    multiple: false,
    directory: false,
  });
  return typeof path === "string" ? path : null;
}
