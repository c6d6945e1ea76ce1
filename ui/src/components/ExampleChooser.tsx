import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { save } from "@tauri-apps/plugin-dialog";
import { useState } from "react";
import { api, toErrorReport, type ExampleInfo } from "../api";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { switchWorkspace } from "../queries";
import { ErrorBanner } from "./ErrorBanner";
import { Loading } from "./StatusViews";

const WORKSPACE_FILTER = [{ name: "Tailor workspace", extensions: ["tailor"] }];

/** Asks where to put the new example workspace; null when cancelled. */
async function chooseExamplePath(example: string): Promise<string | null> {
  const path = await save({
    title: `Create workspace from the ${example} example`,
    filters: WORKSPACE_FILTER,
    defaultPath: `${example}.tailor`,
  });
  if (!path) return null;
  return path.endsWith(".tailor") ? path : `${path}.tailor`;
}

interface Props {
  /** The welcome screen's path input; used instead of the save dialog when filled. */
  path: string;
  /** True while the welcome screen is opening or creating another workspace. */
  disabled?: boolean;
}

/**
 * "Start from an example": one card per bundled example workspace, each with a
 * button that creates a new workspace file filled with that example (attributes,
 * sample shoppers, catalog, segments, content plan, constraints) and opens it.
 */
export function ExampleChooser({ path, disabled = false }: Props) {
  const qc = useQueryClient();
  const [dialogError, setDialogError] = useState<ErrorReport | null>(null);
  const examples = useQuery<ExampleInfo[], ErrorReport>({
    queryKey: ["examples"],
    queryFn: () => api.exampleList(),
    staleTime: Infinity,
  });
  const create = useMutation<WorkspaceInfo, ErrorReport, { path: string; example: string }>({
    mutationFn: ({ path, example }) => api.workspaceCreateExample(path, example),
    onSuccess: (info) => switchWorkspace(qc, info),
  });

  const start = async (example: string) => {
    setDialogError(null);
    create.reset();
    let target: string | null = path.trim() || null;
    if (!target) {
      try {
        target = await chooseExamplePath(example);
      } catch (e) {
        setDialogError(toErrorReport(e));
        return;
      }
    }
    if (target) create.mutate({ path: target, example });
  };

  const busy = create.isPending;
  const error = create.error ?? dialogError;

  return (
    <section className="examples-chooser" aria-label="Start from an example" data-testid="examples" style={{ marginTop: 24 }}>
      <h2>Start from an example</h2>
      <p className="muted small">
        A complete workspace to explore: attributes, sample shoppers, catalog, segments, content plan and constraints.
        {path.trim() ? (
          <>
            {" "}It will be created at <span className="mono">{path.trim()}</span>.
          </>
        ) : (
          " You will be asked where to save it."
        )}
      </p>
      <ErrorBanner
        error={error}
        testId="example-error"
        title="Could not create the example."
        onDismiss={() => {
          create.reset();
          setDialogError(null);
        }}
      />
      {examples.isPending && <Loading label="Loading examples…" />}
      <ErrorBanner error={examples.error} testId="examples-load-error" />
      {busy && (
        <div data-testid="example-busy" aria-live="polite">
          <Loading label={`Creating the ${create.variables?.example ?? ""} example — generating sample shoppers, this takes a few seconds…`} />
        </div>
      )}
      {examples.data && examples.data.length === 0 && (
        <p className="muted" data-testid="examples-empty">
          No examples are bundled with this build.
        </p>
      )}
      {examples.data?.map((ex) => (
        <div key={ex.name} className="panel" data-testid={`example-card-${ex.name}`} aria-busy={busy && create.variables?.example === ex.name}>
          <div className="panel-title">
            <h3 style={{ margin: 0, textTransform: "capitalize" }}>{ex.name}</h3>
            <button
              type="button"
              className="btn-small"
              onClick={() => void start(ex.name)}
              disabled={busy || disabled}
              data-testid={`example-create-${ex.name}`}
            >
              {busy && create.variables?.example === ex.name ? "Creating…" : "Create from this example"}
            </button>
          </div>
          <p className="small" style={{ margin: 0 }} data-testid={`example-description-${ex.name}`}>
            {ex.description}
          </p>
        </div>
      ))}
    </section>
  );
}
