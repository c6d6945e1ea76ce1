import { useState } from "react";
import { keyPlace, shortKeyId, useGenerateKey, useSecretStore, useSelectedKey, useSigningKeys } from "../../api/publish";
import { ErrorBanner } from "../ErrorBanner";
import { EmptyState, Loading } from "../StatusViews";

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Signing keys: pick the one bundles are signed with, or generate one. */
export function KeysPanel() {
  const keys = useSigningKeys();
  const store = useSecretStore();
  const [selected, setSelected] = useSelectedKey(keys.data);
  const [name, setName] = useState("");
  const generate = useGenerateKey();
  const trimmed = name.trim();
  const taken = !!keys.data?.some((k) => k.name === trimmed);
  const invalid = trimmed.length > 0 && !KEY_NAME.test(trimmed);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!trimmed || taken || invalid) return;
    generate.mutate(trimmed, { onSuccess: () => setName("") });
  };

  return (
    <section className="panel" aria-labelledby="keys-title" data-testid="keys-panel">
      <div className="panel-title">
        <h2 id="keys-title">Signing keys</h2>
      </div>
      <p className="muted small">
        Bundles are signed with Ed25519. Private keys are kept outside the workspace: in the OS keyring when one
        answers, else in 0600 files; the service trusts a key by its key id.
      </p>
      {store.data && (
        <p className="small" data-testid="keys-store">
          New keys go to: <span className="mono">{store.data.keys_stored_in}</span>
          {store.data.note && (
            <span className="warn" data-testid="keys-store-note">
              {" "}
              ({store.data.note})
            </span>
          )}
        </p>
      )}
      <ErrorBanner error={keys.error} testId="keys-error" title="Could not list signing keys.">
        <button type="button" className="btn-small" onClick={() => void keys.refetch()}>
          Retry
        </button>
      </ErrorBanner>
      {keys.isPending && <Loading label="Loading keys…" />}
      {keys.data && keys.data.length === 0 && (
        <EmptyState title="No signing keys yet" testId="keys-empty">
          <p>Generate a key below; publishing and rollback need one.</p>
        </EmptyState>
      )}
      {keys.data && keys.data.length > 0 && (
        <>
          <div className="row">
            <label htmlFor="key-select">Sign with</label>
            <select
              id="key-select"
              value={selected ?? ""}
              onChange={(e) => setSelected(e.target.value || null)}
              data-testid="key-select"
            >
              <option value="">— choose a key —</option>
              {keys.data.map((k) => (
                <option key={k.name} value={k.name}>
                  {k.name} ({shortKeyId(k.keyid)})
                </option>
              ))}
            </select>
          </div>
          <ul className="key-list" data-testid="key-list">
            {keys.data.map((k) => (
              <li key={k.name} data-testid={`key-row-${k.name}`} className={k.name === selected ? "selected" : undefined}>
                <span className="mono">{k.name}</span>{" "}
                <span className="mono muted small" title={k.keyid}>
                  keyid {shortKeyId(k.keyid)}
                </span>{" "}
                <span className="muted small" data-testid={`key-stored-${k.name}`}>
                  {keyPlace(k.stored_in)}
                </span>
                {k.name === selected && <span className="badge badge-new">in use</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <form className="row key-generate" onSubmit={submit} aria-label="Generate a signing key">
        <label htmlFor="key-new-name">New key</label>
        <input
          id="key-new-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. release-2025"
          spellCheck={false}
          aria-invalid={taken || invalid}
          data-testid="key-new-name"
        />
        <button type="submit" disabled={!trimmed || taken || invalid || generate.isPending} data-testid="key-generate">
          {generate.isPending ? "Generating…" : "Generate key"}
        </button>
      </form>
      {(taken || invalid) && (
        <p className="text-error small" role="alert">
          {taken ? `A key named ${trimmed} already exists.` : `A key name can only use letters, digits, "-", "_" and ".".`}
        </p>
      )}
      <ErrorBanner error={generate.error} testId="key-generate-error" title="Could not generate the key." onDismiss={() => generate.reset()} />
    </section>
  );
}
