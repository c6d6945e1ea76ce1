import { ErrorBanner } from "./components/ErrorBanner";
import { Loading } from "./components/StatusViews";
import { useWorkspace, useWorkspaceChangedListener } from "./queries";
import { Shell } from "./screens/Shell";
import { Welcome } from "./screens/Welcome";
import { DesktopChrome } from "./desktop/DesktopChrome";

export function App() {
  useWorkspaceChangedListener();
  const ws = useWorkspace();
  if (ws.isPending) return <Loading label="Starting Tailor…" />;
  if (ws.isError)
    return (
      <main className="welcome">
        <ErrorBanner error={ws.error} title="Could not read the current workspace." />
        <button type="button" onClick={() => ws.refetch()}>Try again</button>
      </main>
    );
  return (
    <>
      {ws.data ? <Shell key={ws.data.workspace_id} info={ws.data} /> : <Welcome />}
      <DesktopChrome />
    </>
  );
}
