import { useEffect, useState } from "react";
import { desktopApi, type AboutInfo } from "../api/desktop";
import type { ErrorReport } from "../bindings/ErrorReport";
import { ErrorBanner } from "../components/ErrorBanner";
import { Modal } from "../components/Modal";

/** Help → About: the versions a support request needs. */
export function AboutDialog({ onClose }: { onClose: () => void }) {
  const [info, setInfo] = useState<AboutInfo | null>(null);
  const [error, setError] = useState<ErrorReport | null>(null);
  useEffect(() => {
    desktopApi.aboutInfo().then(setInfo, setError);
  }, []);
  const rows: [string, string][] = info
    ? [
        ["Tailor", info.app_version],
        ["Decision engine", info.engine_version],
        ["Workspace schema", String(info.workspace_schema)],
        ["Bundle schema", String(info.bundle_schema)],
        ["Tauri", info.tauri_version],
        ["WebKitGTK / WebView", info.webkit_version],
      ]
    : [];
  return (
    <Modal labelledBy="about-title" testId="about-dialog" onClose={onClose}>
      <h2 id="about-title">About Tailor</h2>
      <p className="muted">Author, simulate and publish storefront personalization rules. MIT licence.</p>
      <ErrorBanner error={error} />
      <table className="about-table">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td data-testid={`about-${k.split(" ")[0].toLowerCase()}`}>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="modal-actions">
        <button type="button" className="btn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  );
}
