import type { ErrorReport } from "../bindings/ErrorReport";
import { ErrorBanner } from "./ErrorBanner";

/** A failed save next to its form: a conflict offers Reload, anything else
 * shows the message (which names the entity and field). */
export function SaveError({
  error,
  prefix,
  what,
  onReload,
  onDismiss,
}: {
  error: ErrorReport | null | undefined;
  prefix: string;
  what: string;
  onReload?: () => void;
  onDismiss?: () => void;
}) {
  if (!error) return null;
  const conflict = error.kind === "conflict";
  return (
    <ErrorBanner
      error={error}
      title={conflict ? `This ${what} was changed elsewhere since you opened it.` : "Could not save."}
      testId={conflict ? `${prefix}-conflict` : `${prefix}-error`}
      onDismiss={onDismiss}
    >
      {conflict && onReload && (
        <>
          {" "}
          Reload to get the latest version (your edits here will be replaced).{" "}
          <button type="button" onClick={onReload} data-testid={`${prefix}-reload`}>
            Reload
          </button>
        </>
      )}
    </ErrorBanner>
  );
}
