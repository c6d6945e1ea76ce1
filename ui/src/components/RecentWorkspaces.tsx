import { formatTime } from "../format";
import { useRecent } from "../queries";
import { ErrorBanner } from "./ErrorBanner";
import { Loading } from "./StatusViews";

/** The list of recently opened workspaces; click one to open it. */
export function RecentWorkspaces({ onOpen }: { onOpen: (path: string) => void }) {
  const recent = useRecent();
  return (
    <section className="recent" aria-label="Recent workspaces">
      <h2>Recent workspaces</h2>
      {recent.isPending && <Loading />}
      <ErrorBanner error={recent.error} />
      {recent.data && recent.data.length === 0 && <p className="muted" data-testid="recent-empty">No recent workspaces yet.</p>}
      {recent.data && recent.data.length > 0 && (
        <ul className="recent-list">
          {recent.data.map((r) => (
            <li key={r.path}>
              <button type="button" className="recent-item" onClick={() => onOpen(r.path)} data-testid="recent-workspace" data-path={r.path}>
                <span className="recent-name">{r.name}</span>
                <span className="recent-path">{r.path}</span>
                <span className="recent-time">{formatTime(r.opened_at)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
