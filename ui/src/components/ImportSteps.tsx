// The parts both import wizards (shoppers, catalog) share: the frame with
// its steps and "Import failed" banner, the first step's form (a path field,
// the native file dialog, Preview) and the "Imported" banner.
import { useState } from "react";
import { toErrorReport } from "../api";
import type { ErrorReport } from "../bindings/ErrorReport";

/** Where a wizard is: choosing the file, looking at a dry run's report, or done. */
export type WizardStep<R> = { step: "choose" } | { step: "preview"; report: R } | { step: "done"; report: R };

/**
 * A wizard's step and error around its import mutation: `run(variables,
 * then)` clears the error, runs the import (a dry run when
 * `variables.dryRun`) and calls `then` with the report, or keeps the error.
 */
export function useImportRun<R, V>(imp: { mutate: (v: V, o: { onSuccess: (r: R) => void; onError: (e: ErrorReport) => void }) => void }) {
  const [state, setState] = useState<WizardStep<R>>({ step: "choose" });
  const [error, setError] = useState<ErrorReport | null>(null);
  const run = (variables: V, then: (report: R) => void) => {
    setError(null);
    imp.mutate(variables, { onSuccess: then, onError: setError });
  };
  /** Preview (dry run) or import, moving to the matching step. */
  const step = (variables: V & { dryRun: boolean }, also?: (report: R) => void) =>
    run(variables, (report) => {
      also?.(report);
      setState(variables.dryRun ? { step: "preview", report } : { step: "done", report });
    });
  return { state, setState, error, setError, step };
}

interface FrameProps {
  title: string;
  /** Test ids: `${testIdPrefix}-close` and `${testIdPrefix}-error`. */
  testIdPrefix: string;
  testId: string;
  /** The steps as [label, the wizard step it is current at]. */
  steps: readonly (readonly [string, WizardStep<unknown>["step"]])[];
  at: WizardStep<unknown>["step"];
  error: ErrorReport | null;
  onClose: () => void;
  children: React.ReactNode;
}

export function ImportFrame({ title, testIdPrefix, testId, steps, at, error, onClose, children }: FrameProps) {
  return (
    <section className="panel wizard" data-testid={testId} aria-label={title}>
      <div className="panel-title">
        <h2>{title}</h2>
        <button type="button" className="btn-link" onClick={onClose} data-testid={`${testIdPrefix}-close`}>
          Close
        </button>
      </div>
      <ol className="steps">
        {steps.map(([label, step]) => (
          <li key={label} className={step === at ? "current" : ""}>
            {label}
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
  /** The input's id and test ids: `${testIdPrefix}-path`, `${testIdPrefix}-browse`, `${testIdPrefix}-preview`. */
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
  onPreview: () => void;
  /** A preview is shown (the button refreshes it). */
  previewing: boolean;
  /** The import mutation is running: `dryRun` tells a preview from the import. */
  running: { isPending: boolean; variables?: { dryRun: boolean } };
  /** The wizard's own fields, between the file and the Preview button. */
  children?: React.ReactNode;
}

/** The first step's form: the file (typed, or chosen in the native dialog), the wizard's own fields, and Preview. */
export function FileStep({ testIdPrefix, label, path, placeholder, browseLabel, choose, onPath, onError, onPreview, previewing, running, children }: FileProps) {
  const browse = async () => {
    try {
      const p = await choose();
      if (p) onPath(p, true);
    } catch (e) {
      onError(toErrorReport(e));
    }
  };
  return (
    <form
      className="form-grid"
      onSubmit={(e) => {
        e.preventDefault();
        onPreview();
      }}
    >
      <label htmlFor={`${testIdPrefix}-path`}>{label}</label>
      <div className="row">
        <input id={`${testIdPrefix}-path`} value={path} onChange={(e) => onPath(e.target.value, false)} placeholder={placeholder} spellCheck={false} data-testid={`${testIdPrefix}-path`} />
        <button type="button" onClick={browse} data-testid={`${testIdPrefix}-browse`}>
          {browseLabel}
        </button>
      </div>
      {children}
      <span />
      <div>
        <button type="submit" className={previewing ? "" : "btn-primary"} disabled={!path.trim() || running.isPending} data-testid={`${testIdPrefix}-preview`}>
          {running.isPending && running.variables?.dryRun ? "Reading…" : previewing ? "Refresh preview" : "Preview"}
        </button>
      </div>
    </form>
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
