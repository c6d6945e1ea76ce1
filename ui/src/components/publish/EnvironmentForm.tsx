import { useState } from "react";
import {
  draftToEnvironment,
  useSaveEnvironment,
  validateEnvironment,
  type Environment,
  type EnvironmentDraft,
} from "../../api/publish";
import { useEscape } from "../../hooks";
import { ErrorBanner } from "../ErrorBanner";

/** Add or edit an environment: its name, service URL(s) and approval rule. */
export function EnvironmentForm({
  environment,
  existingNames,
  onDone,
}: {
  /** null when adding. */
  environment: Environment | null;
  existingNames: readonly string[];
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<EnvironmentDraft>({
    name: environment?.name ?? "",
    urlsText: (environment?.urls ?? []).join("\n"),
    requireApproval: environment?.require_approval ?? false,
    trustFile: environment?.trust_file ?? "",
  });
  const [submitted, setSubmitted] = useState(false);
  const save = useSaveEnvironment();
  useEscape(onDone);

  const problems = validateEnvironment(draft, environment ? [] : existingNames);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (problems.length > 0) return;
    save.mutate(draftToEnvironment(draft), { onSuccess: onDone });
  };

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="env-form" aria-label={environment ? `Edit ${environment.name}` : "New environment"}>
      <h2>{environment ? `Edit environment ${environment.name}` : "New environment"}</h2>
      <ErrorBanner error={save.error} title="Could not save the environment." onDismiss={() => save.reset()} />
      <div className="form-grid">
        <label htmlFor="env-name">Name</label>
        <input
          id="env-name"
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          disabled={!!environment}
          placeholder="e.g. staging"
          spellCheck={false}
          autoFocus={!environment}
          data-testid="env-name"
        />
        <label htmlFor="env-urls">Service URL(s)</label>
        <div>
          <textarea
            id="env-urls"
            rows={3}
            value={draft.urlsText}
            onChange={(e) => setDraft({ ...draft, urlsText: e.target.value })}
            placeholder={"https://decide.example.com"}
            spellCheck={false}
            aria-describedby="env-urls-help"
            data-testid="env-urls"
            className="mono"
          />
          <p id="env-urls-help" className="explain">
            One URL per line. Several URLs are replicas behind a load balancer: each gets the same signed bundle and is
            confirmed on its own.
          </p>
        </div>
        <span />
        <label className="check">
          <input
            type="checkbox"
            checked={draft.requireApproval}
            onChange={(e) => setDraft({ ...draft, requireApproval: e.target.checked })}
            data-testid="env-require-approval"
          />
          Require an approval (who approved it) before publishing
        </label>
        <label htmlFor="env-trust">Trust file for pulls</label>
        <input
          id="env-trust"
          type="text"
          value={draft.trustFile ?? ""}
          onChange={(e) => setDraft({ ...draft, trustFile: e.target.value })}
          placeholder="optional: default is the keys in your key store"
          spellCheck={false}
          data-testid="env-trust"
        />
      </div>
      {submitted && problems.length > 0 && (
        <ul className="form-problems text-error" role="alert" data-testid="env-form-error">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <p className="muted small">
        The upload token is never stored in the workspace: save it in the OS keyring from the environments list
        (when one answers), or set the TAILOR_PUBLISH_TOKEN environment variable.
      </p>
      <div className="form-actions">
        <button type="button" onClick={onDone} data-testid="env-cancel">
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={save.isPending} data-testid="env-save">
          {save.isPending ? "Saving…" : environment ? "Save environment" : "Add environment"}
        </button>
      </div>
    </form>
  );
}
