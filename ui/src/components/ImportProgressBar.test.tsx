import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ImportProgress } from "../bindings/ImportProgress";
import { ImportProgressBar } from "./ImportProgressBar";

const invoke = vi.fn(async () => null);
let emit: ((e: { payload: ImportProgress }) => void) | null = null;
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...(args as [])) }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (name: string, f: (e: { payload: ImportProgress }) => void) => {
    if (name === "import-progress") emit = f;
    return () => {};
  }),
}));

describe("import progress", () => {
  it("shows rows written of the file's rows, and Cancel asks the shell to stop", async () => {
    render(<ImportProgressBar />);
    expect(screen.getByTestId("import-progress")).toHaveTextContent("Reading the file…");
    await waitFor(() => expect(emit).not.toBeNull());
    act(() => emit?.({ payload: { done: 250_000, total: 1_000_000 } }));
    expect(screen.getByTestId("import-progress")).toHaveTextContent("250,000 of 1,000,000 shoppers written");
    const bar = screen.getByLabelText("Shoppers imported");
    expect(bar).toHaveAttribute("value", "250000");
    expect(bar).toHaveAttribute("max", "1000000");
    fireEvent.click(screen.getByTestId("import-cancel"));
    expect(invoke).toHaveBeenCalledWith("import_cancel", undefined);
    expect(screen.getByTestId("import-cancel")).toBeDisabled();
    expect(screen.getByTestId("import-cancel")).toHaveTextContent("Cancelling…");
  });
});
