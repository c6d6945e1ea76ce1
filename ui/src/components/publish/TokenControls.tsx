import { useState } from "react";
import { tokenInKeyring, useDeleteToken, useSaveToken, type EnvironmentStatus } from "../../api/publish";
import { ErrorBanner } from "../ErrorBanner";

/**
 * Save, replace or forget an environment's upload token in the OS keyring
 * (shown only when a keyring answers; the token never reaches the workspace
 * and is never shown back).
 */
export function TokenControls({ status }: { status: EnvironmentStatus }) {
  const name = status.environment.name;
  const [open, setOpen] = useState(false);
  const [token, setToken] = useState("");
  const save = useSaveToken();
  const forget = useDeleteToken();
  const inKeyring = tokenInKeyring(status);

  const close = () => {
    setOpen(false);
    setToken("");
    save.reset();
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return;
    save.mutate({ environment: name, token }, { onSuccess: close });
  };

  if (!open) {
    return (
      <span className="token-actions">
        <button type="button" className="btn-small" onClick={() => setOpen(true)} data-testid={`env-token-save-${name}`}>
          {inKeyring ? "Replace token" : "Save token"}
        </button>
        {inKeyring && (
          <button
            type="button"
            className="btn-small btn-danger-outline"
            disabled={forget.isPending}
            onClick={() => forget.mutate(name)}
            data-testid={`env-token-forget-${name}`}
          >
            Forget
          </button>
        )}
        <ErrorBanner error={forget.error} testId={`env-token-forget-error-${name}`} onDismiss={() => forget.reset()} />
      </span>
    );
  }
  return (
    <form className="token-form" onSubmit={submit} aria-label={`Upload token for ${name}`}>
      <input
        type="password"
        autoComplete="off"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        placeholder="upload token"
        aria-label={`Upload token for ${name}`}
        data-testid={`env-token-input-${name}`}
        autoFocus
      />
      <button type="submit" className="btn-small btn-primary" disabled={!token.trim() || save.isPending} data-testid={`env-token-submit-${name}`}>
        {save.isPending ? "Saving…" : "Save in OS keyring"}
      </button>
      <button type="button" className="btn-small" onClick={close}>
        Cancel
      </button>
      <ErrorBanner error={save.error} testId={`env-token-save-error-${name}`} title="Could not save the token." />
    </form>
  );
}
