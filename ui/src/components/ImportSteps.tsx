// The parts both import wizards (shoppers, catalog) share: the frame with
// its steps and "Import failed" banner, the file row (a path field and the
// native file dialog), the Preview button and the "Imported" banner.
import { toErrorReport } from "../api";
import type { ErrorReport } from "../bindings/ErrorReport";

interface FrameProps {
  title: string;
  /** Test ids: `${testIdPrefix}-close` and `${testIdPrefix}-error`. */
  testIdPrefix: string;
  testId: string;
  steps: readonly { label: string; current: boolean }[];
  error: ErrorReport | null;
  onClose: () => void;
  children: React.ReactNode;
}

export function ImportFrame({ title, testIdPrefix, testId, steps, error, onClose, children }: FrameProps) {
  return (
    <section className="panel wizard" data-testid={testId} aria-label={title}>
      <div className="panel-title">
        <h2>{title}</h2>
        <button type="button" className="btn-link" onClick={onClose} data-testid={`${testIdPrefix}-close`}>
          Close
        </button>
      </div>
      <ol className="steps">
        {steps.map((s) => (
          <li key={s.label} className={s.current ? "current" : ""}>
            {s.label}
          </li>
        ))}
      </ol>
      {error && (
        <div className="banner banner-error import-error" role="alert" data-testid={`${testIdPrefix}-error`}>
          <strong>Import failed — nothing was imported.</strong>
          <pre className="error-detail">{error.message}</pre>
        </div>
      )}
      {children}
    </section>
  );
}

interface FileProps {
  /** The input's id and test ids: `${testIdPrefix}-path`, `${testIdPrefix}-browse`. */
  testIdPrefix: string;
  label: string;
  path: string;
  placeholder: string;
  browseLabel: string;
  /** Opens the native file dialog; null when cancelled. */
  choose: () => Promise<string | null>;
  /** The path was typed or chosen. */
  onPath: (path: string, chosen: boolean) => void;
  onError: (e: ErrorReport) => void;
}

/** The file row of a wizard's form grid: label, path field and browse button. */
export function FilePicker({ testIdPrefix, label, path, placeholder, browseLabel, choose, onPath, onError }: FileProps) {
  const browse = async () => {
    try {
      const p = await choose();
      if (p) onPath(p, true);
    } catch (e) {
      onError(toErrorReport(e));
    }
  };
  return (
    <>
      <label htmlFor={`${testIdPrefix}-path`}>{label}</label>
      <div className="row">
        <input
          id={`${testIdPrefix}-path`}
          value={path}
          onChange={(e) => onPath(e.target.value, false)}
          placeholder={placeholder}
          spellCheck={false}
          data-testid={`${testIdPrefix}-path`}
        />
        <button type="button" onClick={browse} data-testid={`${testIdPrefix}-browse`}>
          {browseLabel}
        </button>
      </div>
    </>
  );
}

/** The form's submit button: Preview, then Refresh preview; "Reading…" while a dry run runs. */
export function PreviewButton({ testId, previewing, reading, disabled }: { testId: string; previewing: boolean; reading: boolean; disabled: boolean }) {
  return (
    <>
      <span />
      <div>
        <button type="submit" className={previewing ? "" : "btn-primary"} disabled={disabled} data-testid={testId}>
          {reading ? "Reading…" : previewing ? "Refresh preview" : "Preview"}
        </button>
      </div>
    </>
  );
}

/** The last step: what was imported, and Close. */
export function ImportDone({ testId, onClose, children }: { testId: string; onClose: () => void; children: React.ReactNode }) {
  return (
    <div className="banner banner-ok" data-testid={testId}>
      {children}
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
