import { useEffect, useState } from "react";
import { call } from "../api";
import type { ImportProgress } from "../bindings/ImportProgress";
import { listenUntilCleanup } from "../events";

/**
 * Rows written so far by a running shopper import, and its Cancel button:
 * a cancelled import rolls back and stores nothing.
 */
export function ImportProgressBar() {
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  useEffect(() => listenUntilCleanup<ImportProgress>("import-progress", setProgress), []);
  const cancel = () => {
    setCancelling(true);
    void call<null>("import_cancel");
  };
  return (
    <div className="import-progress" role="status" data-testid="import-progress">
      <progress
        max={progress?.total || undefined}
        value={progress ? progress.done : undefined}
        data-done={progress?.done ?? 0}
        aria-label="Shoppers imported"
      />
      <span className="muted small">
        {progress
          ? `${progress.done.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")} shoppers written`
          : "Reading the file…"}
      </span>
      <button type="button" onClick={cancel} disabled={cancelling} data-testid="import-cancel">
        {cancelling ? "Cancelling…" : "Cancel"}
      </button>
    </div>
  );
}
