import { lazy, Suspense, useState } from "react";
import { desktopApi, type SpecImportReport } from "../api/desktop";
import type { ErrorReport } from "../bindings/ErrorReport";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { chooseNewWorkspacePath, chooseWorkspaceToOpen } from "../dialogs";
import { useCloseWorkspace, useOpenWorkspace, useWorkspace } from "../queries";
import { AboutDialog } from "./AboutDialog";
import { FindBar } from "./FindBar";
import { useMenuActions } from "./menu";
import { chooseSpecToImport, chooseSpecExportPath } from "./specDialogs";
import { UpdateCenter } from "./UpdateCenter";

const GuideDialog = lazy(() => import("./GuideDialog").then((m) => ({ default: m.GuideDialog })));

type Overlay = "about" | "guide" | "find" | null;

/**
 * What the File and Help menus open, whichever screen is showing: workspace
 * dialogs, spec import and export, find, the guide, About and updates.
 */
export function DesktopChrome() {
  const ws = useWorkspace();
  const openWs = useOpenWorkspace();
  const closeWs = useCloseWorkspace();
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [updateNonce, setUpdateNonce] = useState(0);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pendingImport, setPendingImport] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const hasWorkspace = !!ws.data;

  const guarded = async (f: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await f();
    } catch (e) {
      setError(e as ErrorReport);
    }
  };
  const needWorkspace = (what: string) => {
    setError({ kind: "invalid", message: `${what} needs an open workspace: open or create one first.` });
  };

  useMenuActions((a) => {
    switch (a.action) {
      case "file.new":
        void guarded(async () => {
          const p = await chooseNewWorkspacePath();
          if (p) openWs.mutate({ path: p, create: true }, { onError: setError });
        });
        break;
      case "file.open":
        void guarded(async () => {
          const p = await chooseWorkspaceToOpen();
          if (p) openWs.mutate({ path: p, create: false }, { onError: setError });
        });
        break;
      case "file.close":
        if (hasWorkspace) closeWs.mutate(undefined, { onError: setError });
        break;
      case "file.export_spec":
        if (!hasWorkspace) return needWorkspace("Export Spec");
        void guarded(async () => {
          const p = await chooseSpecExportPath(ws.data?.name ?? "workspace");
          if (!p) return;
          await desktopApi.specExport(p);
          setNotice(`Spec written to ${p}.`);
        });
        break;
      case "file.import_spec":
        if (!hasWorkspace) return needWorkspace("Import Spec");
        void guarded(async () => setPendingImport(await chooseSpecToImport()));
        break;
      case "edit.find":
        setOverlay("find");
        break;
      case "help.guide":
        setOverlay("guide");
        break;
      case "help.about":
        setOverlay("about");
        break;
      case "help.check_updates":
        setUpdateNonce((n) => n + 1);
        break;
      case "error":
        setError({ kind: "not_found", message: a.error ?? "The menu action failed." });
        break;
    }
  });

  const runImport = async (path: string) => {
    setImporting(true);
    await guarded(async () => {
      const r: SpecImportReport = await desktopApi.specImport(path);
      setNotice(
        `Imported ${path}: ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged} unchanged. Undo reverts it.`,
      );
    });
    setImporting(false);
    setPendingImport(null);
  };

  return (
    <>
      {(error || notice) && (
        <div className="desktop-notice" data-testid="desktop-notice">
          <ErrorBanner error={error} onDismiss={() => setError(null)} />
          {notice && (
            <div className="banner banner-ok" role="status" data-testid="desktop-notice-text">
              {notice}{" "}
              <button type="button" onClick={() => setNotice(null)}>
                Dismiss
              </button>
            </div>
          )}
        </div>
      )}
      {pendingImport && (
        <ConfirmDialog
          title="Import spec?"
          message={`Segments, content and plan entries in ${pendingImport} are created or updated in this workspace; nothing is deleted. Undo reverts the whole import.`}
          confirmLabel="Import"
          danger={false}
          busy={importing}
          onConfirm={() => void runImport(pendingImport)}
          onCancel={() => setPendingImport(null)}
        />
      )}
      {overlay === "about" && <AboutDialog onClose={() => setOverlay(null)} />}
      {overlay === "find" && <FindBar onClose={() => setOverlay(null)} />}
      {overlay === "guide" && (
        <Suspense fallback={null}>
          <GuideDialog onClose={() => setOverlay(null)} />
        </Suspense>
      )}
      <UpdateCenter manualNonce={updateNonce} />
    </>
  );
}
