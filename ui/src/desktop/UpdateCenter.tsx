import { useCallback, useEffect, useState } from "react";
import { desktopApi, onUpdateProgress, type UpdateCheck, type UpdateProgress } from "../api/desktop";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { UpdateOffer } from "../bindings/UpdateOffer";
import { formatBytes } from "./format";

type Phase =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "result"; check: UpdateCheck }
  | { kind: "downloading"; offer: UpdateOffer; progress: UpdateProgress | null }
  | { kind: "ready"; version: string; downloaded: number; installError?: string }
  | { kind: "refused"; offer: UpdateOffer; message: string };

/**
 * Signed updates: a quiet check at start, Help → Check for Updates on
 * demand, then download with progress, verification and install on restart.
 * `manualNonce` changes each time the menu asks for a check.
 */
export function UpdateCenter({ manualNonce }: { manualNonce: number }) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [manual, setManual] = useState(false);

  const check = useCallback(async (isManual: boolean) => {
    setManual(isManual);
    if (isManual) setPhase({ kind: "checking" });
    let result: UpdateCheck;
    try {
      result = await desktopApi.updateCheck(isManual);
    } catch (e) {
      // Not a network failure (an unreadable policy, a bad URL): always said.
      result = { state: "failed", message: (e as ErrorReport).message, quiet: false };
    }
    // At start only news is shown: an update, or a failure said once.
    const worthShowing =
      isManual || result.state === "available" || (result.state === "failed" && !result.quiet);
    setPhase(worthShowing ? { kind: "result", check: result } : { kind: "idle" });
  }, []);

  useEffect(() => {
    void check(false);
  }, [check]);
  useEffect(() => {
    if (manualNonce > 0) void check(true);
  }, [manualNonce, check]);

  const download = async (offer: UpdateOffer) => {
    setPhase({ kind: "downloading", offer, progress: null });
    let unlisten: (() => void) | undefined;
    let downloaded = 0;
    try {
      unlisten = await onUpdateProgress((progress) => {
        downloaded = progress.downloaded;
        setPhase((p) => (p.kind === "downloading" ? { ...p, progress } : p));
      });
      const version = await desktopApi.updateDownload();
      setPhase({ kind: "ready", version, downloaded });
    } catch (e) {
      setPhase({ kind: "refused", offer, message: (e as ErrorReport).message });
    } finally {
      unlisten?.();
    }
  };

  const install = async (ready: Extract<Phase, { kind: "ready" }>) => {
    try {
      await desktopApi.updateInstall();
    } catch (e) {
      setPhase({ ...ready, installError: (e as ErrorReport).message });
    }
  };

  const close = () => setPhase({ kind: "idle" });
  if (phase.kind === "idle") return null;

  return (
    <div className="update-center" role="dialog" aria-label="Software update" data-testid="update-center">
      {phase.kind === "checking" && <p data-testid="update-checking">Checking for updates…</p>}
      {phase.kind === "result" && <CheckResult check={phase.check} manual={manual} onDownload={download} onClose={close} />}
      {phase.kind === "downloading" && <Downloading offer={phase.offer} progress={phase.progress} />}
      {phase.kind === "ready" && (
        <>
          <h2>Tailor {phase.version} is ready</h2>
          <p className="muted" data-testid="update-verified" data-downloaded={phase.downloaded}>
            {formatBytes(phase.downloaded)} downloaded and verified against Tailor&apos;s update key. It is installed
            when Tailor restarts.
          </p>
          {phase.installError && (
            <p className="text-error" role="alert" data-testid="update-install-error">
              {phase.installError}
            </p>
          )}
          <div className="modal-actions">
            <button type="button" onClick={close} data-testid="update-later">
              On next start
            </button>
            <button type="button" className="btn-primary" onClick={() => install(phase)} data-testid="update-restart">
              Restart now
            </button>
          </div>
        </>
      )}
      {phase.kind === "refused" && (
        <>
          <h2>The update to {phase.offer.version} was not installed</h2>
          <p className="text-error" role="alert" data-testid="update-error">
            {phase.message}
          </p>
          <div className="modal-actions">
            <button type="button" onClick={close} data-testid="update-dismiss">
              OK
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function CheckResult({
  check,
  manual,
  onDownload,
  onClose,
}: {
  check: UpdateCheck;
  manual: boolean;
  onDownload: (o: UpdateOffer) => void;
  onClose: () => void;
}) {
  const ok = (
    <div className="modal-actions">
      <button type="button" onClick={onClose} data-testid="update-dismiss">
        OK
      </button>
    </div>
  );
  switch (check.state) {
    case "available":
      return (
        <>
          <h2 data-testid="update-available">Tailor {check.offer.version} is available</h2>
          <p className="muted">
            You have {check.offer.current_version}.{check.offer.date ? ` Released ${check.offer.date}.` : ""}
          </p>
          {check.offer.notes && (
            <pre className="update-notes" data-testid="update-notes">
              {check.offer.notes}
            </pre>
          )}
          <div className="modal-actions">
            <button type="button" onClick={onClose} data-testid="update-later">
              Later
            </button>
            <button type="button" className="btn-primary" onClick={() => onDownload(check.offer)} data-testid="update-download">
              Download and install
            </button>
          </div>
        </>
      );
    case "up_to_date":
      return (
        <>
          <p data-testid="update-up-to-date">Tailor {check.current_version} is up to date.</p>
          {ok}
        </>
      );
    case "not_configured":
      return (
        <>
          <p data-testid="update-not-configured">
            This build of Tailor ({check.current_version}) has no update address. Installers built with{" "}
            <code>make dist</code> and <code>TAILOR_UPDATE_URL</code> check for updates.
          </p>
          {ok}
        </>
      );
    case "disabled":
      return (
        <>
          <p data-testid="update-disabled">{check.reason}</p>
          {ok}
        </>
      );
    case "failed":
      return (
        <>
          <p className="text-error" role="alert" data-testid="update-error">
            {check.message}
          </p>
          {!manual && <p className="muted small">Tailor will not mention this again until it restarts.</p>}
          {ok}
        </>
      );
  }
}

function Downloading({ offer, progress }: { offer: UpdateOffer; progress: UpdateProgress | null }) {
  const total = progress?.total ?? null;
  const done = progress?.downloaded ?? 0;
  return (
    <>
      <h2>Downloading Tailor {offer.version}…</h2>
      <progress
        className="update-progress"
        max={total ?? undefined}
        value={total ? done : undefined}
        data-testid="update-progress"
        data-downloaded={done}
      />
      <p className="muted small">
        {formatBytes(done)}
        {total ? ` of ${formatBytes(total)}` : ""}. The signature is checked before anything is installed.
      </p>
    </>
  );
}
