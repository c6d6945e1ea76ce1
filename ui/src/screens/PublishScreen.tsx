import { EnvironmentsPanel } from "../components/publish/EnvironmentsPanel";
import { KeysPanel } from "../components/publish/KeysPanel";
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
        changes against the version the service has active. Past versions can be rolled back from History.
      </p>
      <EnvironmentsPanel />
      <KeysPanel />
      <PublishPanel />
    </div>
  );
}
