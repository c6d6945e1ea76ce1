import { EnvironmentsPanel } from "../components/publish/EnvironmentsPanel";
import { ApprovalsPanel } from "../components/publish/ApprovalsPanel";
import { KeysPanel } from "../components/publish/KeysPanel";
import { PromotePanel } from "../components/publish/PromotePanel";
import { PublishPanel } from "../components/publish/PublishPanel";

/** Environments, signing keys, and the review → sign → upload → confirm flow. */
export function PublishScreen() {
  return (
    <div className="screen" data-testid="publish-screen">
      <div className="screen-header">
        <h1>Publish</h1>
      </div>
      <p className="muted">
        Publishing signs the workspace's rules as a bundle and puts it live on a decision service, after showing what
        changes against the version the service has active. Promote puts what one environment serves live in another;
        an environment that needs two signatures waits for an approval. Past versions can be rolled back from History.
      </p>
      <EnvironmentsPanel />
      <KeysPanel />
      <PublishPanel />
      <PromotePanel />
      <ApprovalsPanel />
    </div>
  );
}
