// IPC for the desktop shell: spec files from the File menu, Help → About, and
// signed updates (src-tauri/src/spec.rs, menu.rs, update.rs).
import { listen } from "@tauri-apps/api/event";
import { call } from "../api";
import type { AboutInfo } from "../bindings/AboutInfo";
import type { SpecImportReport } from "../bindings/SpecImportReport";
import type { UpdateCheck } from "../bindings/UpdateCheck";
import type { UpdateProgress } from "../bindings/UpdateProgress";

export type { AboutInfo, SpecImportReport, UpdateCheck, UpdateProgress };

export const desktopApi = {
  specExport: (path: string) => call<null>("spec_export", { path }),
  specImport: (path: string) => call<SpecImportReport>("spec_import", { path }),
  aboutInfo: () => call<AboutInfo>("about_info"),
  /** `manual`: Help → Check for Updates (every outcome is shown). */
  updateCheck: (manual: boolean) => call<UpdateCheck>("update_check", { manual }),
  /** Downloads and verifies; resolves to the version waiting for a restart. */
  updateDownload: () => call<string>("update_download"),
  updateInstall: () => call<null>("update_install"),
};

/** Download progress of an update; returns the unlisten function. */
export function onUpdateProgress(f: (p: UpdateProgress) => void): Promise<() => void> {
  return listen<UpdateProgress>("update-progress", (e) => f(e.payload));
}
