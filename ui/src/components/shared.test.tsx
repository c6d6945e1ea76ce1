// The list-screen pieces every screen shares: ListTable and DeleteDialog.
import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ErrorReport } from "../bindings/ErrorReport";
import { DeleteDialog, type DeleteMutation } from "./DeleteDialog";
import { ListTable } from "./ListTable";

type Row = { name: string; size: number };
const ROWS: Row[] = [
  { name: "a", size: 1 },
  { name: "b", size: 2 },
];
const columns = [
  { header: "Name", cell: (r: Row) => r.name, className: "mono" },
  { header: "Size", cell: (r: Row) => r.size, headerClassName: "num", className: "num", testId: "size" },
];

describe("ListTable", () => {
  it("opens a row on click and on Enter, and marks the selected one", () => {
    const open = vi.fn();
    render(<ListTable rows={ROWS} columns={columns} rowKey={(r) => r.name} rowTestId={(r) => `row-${r.name}`} testId="t" onOpen={open} isSelected={(r) => r.name === "b"} />);
    expect(screen.getByTestId("t")).toHaveClass("table", "table-clickable");
    fireEvent.click(screen.getByTestId("row-a"));
    fireEvent.keyDown(screen.getByTestId("row-b"), { key: "Enter" });
    expect(open.mock.calls.map(([r]) => r.name)).toEqual(["a", "b"]);
    expect(screen.getByTestId("row-b")).toHaveClass("selected");
    expect(screen.getAllByTestId("size").map((td) => td.textContent)).toEqual(["1", "2"]);
  });

  it("puts Edit and Delete at the end of each row, with the item in their test ids", () => {
    const edit = vi.fn();
    const del = vi.fn();
    render(
      <ListTable
        rows={ROWS}
        columns={columns}
        compact
        rowKey={(r) => r.name}
        rowTestId={(r) => `row-${r.name}`}
        rowData={(r) => ({ "data-name": r.name })}
        testId="t"
        actions={{ testIdPrefix: "thing", id: (r) => r.name, onEdit: edit, onDelete: del }}
      />,
    );
    expect(screen.getByTestId("t")).toHaveClass("table-compact");
    expect(screen.getByTestId("t")).not.toHaveClass("table-clickable");
    expect(screen.getByTestId("row-a")).toHaveAttribute("data-name", "a");
    fireEvent.click(screen.getByTestId("thing-edit-b"));
    fireEvent.click(screen.getByTestId("thing-delete-a"));
    expect(edit.mock.calls[0][0].name).toBe("b");
    expect(del.mock.calls[0][0].name).toBe("a");
  });
});

function mutation(overrides: Partial<DeleteMutation<string>> = {}): DeleteMutation<string> {
  return { isPending: false, error: null, reset: vi.fn(), mutate: vi.fn(), ...overrides };
}

describe("DeleteDialog", () => {
  it("runs the delete with its variables and closes on success", () => {
    const m = mutation({ mutate: vi.fn((_v: string, o: { onSuccess: () => void }) => o.onSuccess()) });
    const closed = vi.fn();
    render(<DeleteDialog title="Delete a?" message="Sure?" confirmLabel="Delete thing" mutation={m} variables="a" onClose={closed} />);
    fireEvent.click(screen.getByTestId("confirm-ok"));
    expect(m.mutate).toHaveBeenCalledWith("a", expect.anything());
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it("shows the delete's error in the dialog and forgets it on Cancel", () => {
    const error: ErrorReport = { kind: "conflict", message: "still used by entry e1" };
    const m = mutation({ error });
    const closed = vi.fn();
    render(<DeleteDialog title="Delete a?" message="Sure?" confirmLabel="Delete thing" mutation={m} variables="a" onClose={closed} errorTestId="del-error" />);
    expect(screen.getByTestId("del-error")).toHaveTextContent("still used by entry e1");
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(closed).toHaveBeenCalledTimes(1);
    expect(m.reset).toHaveBeenCalledTimes(1);
  });

  it("says it is working while the delete runs", () => {
    render(<DeleteDialog title="Delete a?" message="Sure?" confirmLabel="Delete thing" mutation={mutation({ isPending: true })} variables="a" onClose={vi.fn()} />);
    expect(screen.getByTestId("confirm-ok")).toBeDisabled();
    expect(screen.getByTestId("confirm-ok")).toHaveTextContent("Working…");
  });
});
