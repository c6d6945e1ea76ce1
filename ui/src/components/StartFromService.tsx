import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { isHttpUrl, publishApi } from "../api/publish";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { switchWorkspace } from "../queries";
import { ErrorBanner } from "./ErrorBanner";

/**
 * "Start from a decision service": a new workspace whose rules and base are
 * the bundle an environment serves (verified against a trust file, or the
 * keys in the local key store), with the environment saved for later pulls.
 */
export function StartFromService({ path, disabled }: { path: string; disabled?: boolean }) {
  const qc = useQueryClient();
  const [url, setUrl] = useState("");
  const [environment, setEnvironment] = useState("production");
  const [trust, setTrust] = useState("");
  const start = useMutation<WorkspaceInfo, ErrorReport, void>({
    mutationFn: () => publishApi.workspaceInitFrom(path.trim(), url.trim(), environment.trim(), trust.trim() || null),
    onSuccess: (info) => switchWorkspace(qc, info),
  });
  const problems: string[] = [];
  if (!path.trim()) problems.push("Type the new workspace's file path above.");
  if (url.trim() && !isHttpUrl(url.trim())) problems.push(`"${url.trim()}" is not an http(s) URL.`);
  const ready = problems.length === 0 && url.trim() !== "" && environment.trim() !== "";
  return (
    <details className="welcome-from" data-testid="welcome-from">
      <summary>Start from a decision service</summary>
      <p className="small muted">
        A new workspace holding what an environment serves now, so your first publish builds on it. The bundle is
        verified before anything is written.
      </p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) start.mutate();
        }}
      >
        <label htmlFor="from-url">Decision service URL</label>
        <input id="from-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://decide.example.com" spellCheck={false} data-testid="from-url" />
        <label htmlFor="from-env">Environment</label>
        <input id="from-env" type="text" value={environment} onChange={(e) => setEnvironment(e.target.value)} spellCheck={false} data-testid="from-env" />
        <label htmlFor="from-trust">Trust file (optional)</label>
        <input id="from-trust" type="text" value={trust} onChange={(e) => setTrust(e.target.value)} placeholder="default: the keys in your key store" spellCheck={false} data-testid="from-trust" />
        <div />
        <button type="submit" className="btn-primary" disabled={disabled || !ready || start.isPending} data-testid="from-start">
          {start.isPending ? "Fetching and verifying…" : "Create from the service"}
        </button>
      </form>
      {problems.length > 0 && url.trim() !== "" && (
        <ul className="small warn" data-testid="from-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <ErrorBanner error={start.error} title="Could not start from the service; no workspace was created." onDismiss={() => start.reset()} testId="from-error" />
    </details>
  );
}
