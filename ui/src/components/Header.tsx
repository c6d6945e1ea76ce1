import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { useCloseWorkspace } from "../queries";
import { ErrorBanner } from "./ErrorBanner";
import { UndoRedoButtons } from "./UndoRedoButtons";

/** Workspace name, undo/redo, autosave status and Close. */
export function Header({ info }: { info: WorkspaceInfo }) {
  const close = useCloseWorkspace();
  return (
    <header className="app-header">
      <div className="brand">Tailor</div>
      <div className="ws-name" title={info.path} data-testid="workspace-name">
        {info.name}
      </div>
      <UndoRedoButtons info={info} />
      <span
        className="autosave"
        data-testid="autosave-status"
        title="Every change is written to the workspace file the moment it is made (forms write when you press their Save button). Use Undo to go back."
      >
        ✓ All changes saved
      </span>
      <div className="spacer" />
      <button type="button" onClick={() => close.mutate()} disabled={close.isPending} data-testid="workspace-close">
        Close workspace
      </button>
      <div className="header-errors">
        <ErrorBanner error={close.error} onDismiss={() => close.reset()} />
      </div>
    </header>
  );
}
