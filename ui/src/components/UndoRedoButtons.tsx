import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { useUndoRedo } from "../queries";
import { ErrorBanner } from "./ErrorBanner";

/** Undo / Redo with the change they would revert or reapply as tooltip. */
export function UndoRedoButtons({ info, testIdPrefix = "" }: { info: WorkspaceInfo; testIdPrefix?: string }) {
  const { undo, redo } = useUndoRedo();
  const busy = undo.isPending || redo.isPending;
  return (
    <div className="undo-redo">
      <button
        type="button"
        onClick={() => undo.mutate()}
        disabled={!info.undo || busy}
        title={info.undo ? `Undo: ${info.undo} (Ctrl+Z)` : "Nothing to undo"}
        aria-label={info.undo ? `Undo: ${info.undo}` : "Undo"}
        data-testid={`${testIdPrefix}undo`}
      >
        ↶ Undo
      </button>
      <button
        type="button"
        onClick={() => redo.mutate()}
        disabled={!info.redo || busy}
        title={info.redo ? `Redo: ${info.redo} (Ctrl+Shift+Z)` : "Nothing to redo"}
        aria-label={info.redo ? `Redo: ${info.redo}` : "Redo"}
        data-testid={`${testIdPrefix}redo`}
      >
        ↷ Redo
      </button>
      <ErrorBanner error={undo.error ?? redo.error} onDismiss={() => { undo.reset(); redo.reset(); }} />
    </div>
  );
}
