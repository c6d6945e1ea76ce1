import { useState } from "react";
import type { ImportReport } from "../bindings/ImportReport";
import { chooseShopperFile } from "../dialogs";
import { useImportShoppers } from "../queries";
import { FileStep, ImportDone, ImportFrame, useImportRun } from "./ImportSteps";
import { ImportProgressBar } from "./ImportProgressBar";
import { ShopperTable } from "./ShopperTable";

/** Choose a CSV / JSONL file, preview what it would do, then import it. */
export function ImportWizard({ onClose }: { onClose: () => void }) {
  const [path, setPath] = useState("");
  const [idColumn, setIdColumn] = useState("");
  const imp = useImportShoppers();
  const { state, setState, error, setError, step } = useImportRun(imp);

  const options = (id: string) => (id.trim() ? { id_column: id.trim() } : {});
  const preview = (id = idColumn) => step({ path: path.trim(), options: options(id), dryRun: true });
  const commit = () => step({ path: path.trim(), options: options(idColumn), dryRun: false });
  return (
    <ImportFrame title="Import shoppers" testIdPrefix="import" testId="import-wizard" at={state.step} error={error} onClose={onClose}
      steps={[["1. Choose file", "choose"], ["2. Check preview", "preview"], ["3. Done", "done"]]}>
      {state.step !== "done" && (
        <FileStep testIdPrefix="import" label="File (CSV, JSON Lines or Parquet)" path={path} placeholder="/path/to/shoppers.csv" browseLabel="Choose file…" choose={chooseShopperFile}
          onPath={(p) => { setPath(p); setState({ step: "choose" }); }} onError={setError} onPreview={() => preview()} previewing={state.step === "preview"} running={imp}>
          <label htmlFor="import-id-column">Shopper id column</label>
          {state.step === "preview" ? (
            <select
              id="import-id-column"
              value={idColumn}
              onChange={(e) => {
                setIdColumn(e.target.value);
                preview(e.target.value);
              }}
              data-testid="import-id-select"
            >
              <option value="">(none — use row numbers)</option>
              {state.report.columns.map((c) => (
                <option key={c.column} value={c.column}>
                  {c.column}
                </option>
              ))}
            </select>
          ) : (
            <input
              id="import-id-column"
              value={idColumn}
              onChange={(e) => setIdColumn(e.target.value)}
              placeholder="optional, e.g. customer_id (row numbers otherwise)"
              data-testid="import-id-column"
              spellCheck={false}
            />
          )}
        </FileStep>
      )}

      {state.step === "preview" && <ImportPreview report={state.report} />}

      {state.step === "preview" && (
        <div className="form-actions">
          <button type="button" className="btn-primary" onClick={commit} disabled={imp.isPending} data-testid="import-commit">
            {imp.isPending && !imp.variables?.dryRun ? "Importing…" : `Import ${state.report.rows} shoppers`}
          </button>
          {imp.isPending && !imp.variables?.dryRun && <ImportProgressBar />}
        </div>
      )}

      {state.step === "done" && (
        <ImportDone testId="import-done" onClose={onClose}>
          Imported {state.report.rows} shoppers from {state.report.file}.{" "}
          {newColumns(state.report) > 0 && `${newColumns(state.report)} new attributes were created. `}
          You can undo this from the header or History.
        </ImportDone>
      )}
    </ImportFrame>
  );
}

const newColumns = (r: ImportReport) => r.columns.filter((c) => !c.existing).length;

function ImportPreview({ report }: { report: ImportReport }) {
  return (
    <div className="import-preview" data-testid="import-report">
      <p>
        <strong data-testid="import-rows">{report.rows}</strong> rows · format <span className="badge">{report.format}</span> ·{" "}
        {report.columns.length} columns ({newColumns(report)} new attributes)
      </p>
      <table className="table table-compact" data-testid="import-columns">
        <thead>
          <tr>
            <th>Column</th>
            <th>Attribute</th>
            <th>Type</th>
            <th />
            <th>Sample values</th>
          </tr>
        </thead>
        <tbody>
          {report.columns.map((c) => (
            <tr key={c.column} data-testid={`import-column-${c.column}`}>
              <td className="mono">{c.column}</td>
              <td className="mono">{c.attribute}</td>
              <td>
                <span className="badge">{c.type}</span>
              </td>
              <td>{c.existing ? <span className="badge">existing</span> : <span className="badge badge-new">new</span>}</td>
              <td className="muted">{c.sample_values.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.sample.length > 0 && (
        <>
          <h3>First rows as they will be stored</h3>
          <ShopperTable rows={report.sample} columns={report.columns.map((c) => c.attribute)} testId="import-sample" />
        </>
      )}
    </div>
  );
}
