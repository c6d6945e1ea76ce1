import { useState } from "react";
import { toErrorReport } from "../api";
import type { ErrorReport } from "../bindings/ErrorReport";
import { ErrorBanner } from "../components/ErrorBanner";
import { ExampleChooser } from "../components/ExampleChooser";
import { RecentWorkspaces } from "../components/RecentWorkspaces";
import { StartFromService } from "../components/StartFromService";
import { chooseNewWorkspacePath, chooseWorkspaceToOpen } from "../dialogs";
import { useOpenWorkspace } from "../queries";

/** Shown when no workspace is open: create, open, start from an example, or pick a recent one. */
export function Welcome() {
  const [path, setPath] = useState("");
  const [dialogError, setDialogError] = useState<ErrorReport | null>(null);
  const openWs = useOpenWorkspace();

  const go = (p: string, create: boolean) => {
    setDialogError(null);
    if (p.trim()) openWs.mutate({ path: p.trim(), create });
  };
  const viaDialog = async (create: boolean) => {
    setDialogError(null);
    try {
      const p = create ? await chooseNewWorkspacePath() : await chooseWorkspaceToOpen();
      if (p) go(p, create);
    } catch (e) {
      setDialogError(toErrorReport(e));
    }
  };

  return (
    <main className="welcome" data-testid="welcome">
      <div className="welcome-card">
        <h1>Tailor</h1>
        <p className="muted">
          Author segments, content plans and constraints, check them against real sample shoppers, and publish signed
          rule bundles.
        </p>
        <ErrorBanner error={openWs.error ?? dialogError} onDismiss={() => { openWs.reset(); setDialogError(null); }} />
        <div className="welcome-actions">
          <button type="button" className="btn-primary" onClick={() => viaDialog(true)} data-testid="welcome-create-dialog">
            Create workspace…
          </button>
          <button type="button" onClick={() => viaDialog(false)} data-testid="welcome-open-dialog">
            Open workspace…
          </button>
        </div>
        <form
          className="welcome-path"
          onSubmit={(e) => {
            e.preventDefault();
            go(path, false);
          }}
        >
          <label htmlFor="welcome-path">Or type a workspace file path</label>
          <div className="row">
            <input
              id="welcome-path"
              type="text"
              value={path}
              placeholder="/path/to/shop.tailor"
              onChange={(e) => setPath(e.target.value)}
              data-testid="welcome-path"
              spellCheck={false}
            />
            <button type="button" onClick={() => go(path, true)} disabled={!path.trim() || openWs.isPending} data-testid="welcome-create">
              Create
            </button>
            <button type="submit" disabled={!path.trim() || openWs.isPending} data-testid="welcome-open">
              Open
            </button>
          </div>
        </form>
        {openWs.isPending && <p className="muted">Opening…</p>}
        <ExampleChooser path={path} disabled={openWs.isPending} />
        <StartFromService path={path} disabled={openWs.isPending} />
        <RecentWorkspaces onOpen={(p) => go(p, false)} />
      </div>
    </main>
  );
}
