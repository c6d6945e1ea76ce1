import { useMemo } from "react";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import type { Product } from "../bindings/Product";

const money = (n: number | undefined) => (n === undefined ? "—" : n.toFixed(2));
const COLUMNS: ColumnDef<Product>[] = [
  { id: "id", header: "id", accessorFn: (p) => p.id },
  { id: "title", header: "Title", accessorFn: (p) => p.title },
  { id: "category", header: "Category", accessorFn: (p) => p.category ?? "—" },
  { id: "price", header: "Price", accessorFn: (p) => money(p.price) },
  { id: "margin", header: "Margin", accessorFn: (p) => (p.margin === undefined ? "—" : `${Math.round(p.margin * 1000) / 10}%`) },
  { id: "stock", header: "Stock", accessorFn: (p) => (p.stock === undefined ? "—" : String(p.stock)) },
  { id: "collection", header: "Collection", accessorFn: (p) => p.collection ?? "—" },
  { id: "rank", header: "Rank", accessorFn: (p) => (p.rank === undefined ? "—" : String(p.rank)) },
  { id: "updated", header: "Updated", accessorFn: (p) => p.updated?.slice(0, 10) ?? "—" },
];

/** Products in a table. Sorting is done by the server: headers only report clicks. */
export function ProductTable({
  rows,
  testId,
  rowTestId = "product-row",
  sorting,
  onSort,
}: {
  rows: Product[];
  testId: string;
  rowTestId?: string;
  sorting?: SortingState;
  onSort?: (column: string) => void;
}) {
  const state = useMemo(() => ({ sorting: sorting ?? [] }), [sorting]);
  const table = useReactTable({ data: rows, columns: COLUMNS, getCoreRowModel: getCoreRowModel(), manualSorting: true, state, getRowId: (p, i) => `${p.id}#${i}` });
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const s = sorting?.find((x) => x.id === h.id);
                return (
                  <th key={h.id} aria-sort={s ? (s.desc ? "descending" : "ascending") : undefined}>
                    {onSort ? (
                      <button type="button" className="th-sort" onClick={() => onSort(h.id)} data-testid={`catalog-sort-${h.id}`}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        {s ? (s.desc ? " ▼" : " ▲") : ""}
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-testid={rowTestId} data-product={row.original.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.id === "id" ? "mono" : undefined}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
