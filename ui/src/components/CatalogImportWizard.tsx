// Import a catalog: choose a file and format, map columns (generic CSV),
// preview what would change (dry run), then import.
import { useState } from "react";
import { columnsOf, FORMATS, mappingArg, mappingFromReport, missingRequired, PRODUCT_FIELDS, setMapping, type Mapping } from "../catalog/mapping";
import { chooseCatalogFile } from "../dialogs";
import type { CatalogFormat } from "../bindings/CatalogFormat";
import { useImportCatalog } from "../queries";
import { FileStep, ImportDone, ImportFrame, useImportRun } from "./ImportSteps";
import { ProductTable } from "./ProductTable";

export function CatalogImportWizard({ onClose }: { onClose: () => void }) {
  const [path, setPath] = useState("");
  const [format, setFormat] = useState<CatalogFormat>("csv");
  const [mapping, setMap] = useState<Mapping>({});
  const [columns, setColumns] = useState<string[]>([]);
  const imp = useImportCatalog();
  const { state, setState, error, setError, step } = useImportRun(imp);

  const reset = () => {
    setState({ step: "choose" });
    setColumns([]);
    setMap({});
  };
  const preview = (m: Mapping = mapping) =>
    step({ path: path.trim(), format, mapping: mappingArg(format, m), dryRun: true }, (report) => {
      setColumns(columnsOf(report));
      setMap(mappingFromReport(report));
    });
  const commit = () => step({ path: path.trim(), format, mapping: mappingArg(format, mapping), dryRun: false });
  const typedOrChosen = (p: string, chosen: boolean) => {
    setPath(p);
    if (chosen && p.toLowerCase().endsWith(".xml")) setFormat("gmc_xml");
    else if (chosen && (p.toLowerCase().endsWith(".tsv") || p.toLowerCase().endsWith(".txt"))) setFormat("gmc_tsv");
    reset();
  };
  const missing = format === "csv" && state.step === "preview" ? missingRequired(mapping) : [];

  return (
    <ImportFrame title="Import catalog" testIdPrefix="catalog-import" testId="catalog-import" at={state.step} error={error} onClose={onClose}
      steps={format === "csv" ? [["1. File and format", "choose"], ["2. Map columns", "preview"], ["3. Check preview", "preview"], ["4. Done", "done"]] : [["1. File and format", "choose"], ["2. Check preview", "preview"], ["3. Done", "done"]]}>
      {state.step !== "done" && (
        <FileStep testIdPrefix="catalog-import" label="File" path={path} placeholder="/path/to/products.csv" browseLabel="Browse…" choose={chooseCatalogFile}
          onPath={typedOrChosen} onError={setError} onPreview={() => preview()} previewing={state.step === "preview"} running={imp}>
          <label htmlFor="catalog-import-format">Format</label>
          <select
            id="catalog-import-format"
            value={format}
            onChange={(e) => {
              setFormat(e.target.value as CatalogFormat);
              reset();
            }}
            data-testid="catalog-import-format"
          >
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </FileStep>
      )}
      {state.step === "preview" && format === "csv" && (
        <div className="mapping" data-testid="catalog-mapping">
          <h3>Columns → product fields</h3>
          <div className="mapping-grid">
            {PRODUCT_FIELDS.map((field) => (
              <label key={field} className="mapping-field">
                <span className="mono">
                  {field}
                  {(field === "id" || field === "title") && <span className="warn">*</span>}
                </span>
                <select
                  value={mapping[field] ?? ""}
                  onChange={(e) => {
                    const next = setMapping(mapping, field, e.target.value);
                    setMap(next);
                    preview(next);
                  }}
                  data-testid={`catalog-map-${field}`}
                >
                  <option value="">(not imported)</option>
                  {columns.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <p className="muted small">Other columns are kept as product attributes (size, colour, material…).</p>
        </div>
      )}
      {state.step === "preview" && (
        <div className="import-preview" data-testid="catalog-import-report">
          <p>
            <strong data-testid="catalog-import-rows">{state.report.rows}</strong> rows · <strong data-testid="catalog-import-created">{state.report.created}</strong> new ·{" "}
            <strong data-testid="catalog-import-updated">{state.report.updated}</strong> updated
          </p>
          {state.report.sample.length > 0 && (
            <>
              <h3>First products as they will be stored</h3>
              <ProductTable rows={state.report.sample} testId="catalog-import-sample" />
            </>
          )}
          {missing.length > 0 && <p className="warn small">Map {missing.join(" and ")} before importing.</p>}
          <div className="form-actions">
            <button type="button" className="btn-primary" onClick={commit} disabled={imp.isPending || missing.length > 0} data-testid="catalog-import-commit">
              {imp.isPending && !imp.variables?.dryRun ? "Importing…" : `Import ${state.report.rows} products`}
            </button>
          </div>
        </div>
      )}
      {state.step === "done" && (
        <ImportDone testId="catalog-import-done" onClose={onClose}>
          Imported {state.report.rows} products from {state.report.file}: {state.report.created} new, {state.report.updated} updated. You can undo this from the header or History.
        </ImportDone>
      )}
    </ImportFrame>
  );
}
