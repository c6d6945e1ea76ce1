import { useMemo } from "react";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type { ShopperRow } from "../bindings/ShopperRow";
import { formatValue } from "../format";

/** Shopper rows with one column per attribute (react-table). */
export function ShopperTable({ rows, columns, testId = "shopper-table" }: { rows: ShopperRow[]; columns: string[]; testId?: string }) {
  const defs = useMemo<ColumnDef<ShopperRow>[]>(
    () => [
      { id: "__id", header: "id", accessorFn: (r) => r.id },
      ...columns.map<ColumnDef<ShopperRow>>((c) => ({
        id: c,
        header: c,
        accessorFn: (r) => formatValue(r.values[c]),
      })),
    ],
    [columns],
  );
  const table = useReactTable({ data: rows, columns: defs, getCoreRowModel: getCoreRowModel() });
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} className="mono">
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-testid="shopper-row">
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Columns for rows: the known attributes first, then any other keys seen. */
export function columnsFor(attributeNames: string[], rows: ShopperRow[]): string[] {
  const seen = new Set(attributeNames);
  const extra: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.values)) if (!seen.has(k)) { seen.add(k); extra.push(k); }
  return [...attributeNames, ...extra];
}
