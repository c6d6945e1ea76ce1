// Native dialogs for File → Import Spec / Export Spec.
import { open, save } from "@tauri-apps/plugin-dialog";

const SPEC_FILTER = [{ name: "Tailor spec (YAML)", extensions: ["yaml", "yml"] }];

export async function chooseSpecExportPath(workspaceName: string): Promise<string | null> {
  const base = workspaceName.replace(/[^\w.-]+/g, "-") || "workspace";
  const path = await save({ title: "Export spec", filters: SPEC_FILTER, defaultPath: `${base}.spec.yaml` });
  if (!path) return null;
  return /\.ya?ml$/.test(path) ? path : `${path}.yaml`;
}

export async function chooseSpecToImport(): Promise<string | null> {
  const path = await open({ title: "Import spec", filters: SPEC_FILTER, multiple: false, directory: false });
  return typeof path === "string" ? path : null;
}
