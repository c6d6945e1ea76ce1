import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Attribute } from "../bindings/Attribute";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { renderWithQuery } from "../test/utils";
import { SegmentEditor } from "./SegmentEditor";
import { Shell } from "./Shell";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const ATTRS: Attribute[] = [
  { name: "cart_value", type: "number" },
  { name: "device", type: "string" },
];
const REACH = { matched: 2, total: 8, share: 0.25, examples: [] };

beforeEach(() => {
  invoke.mockReset();
});

function routes(extra: Record<string, (args: Record<string, unknown>) => unknown>) {
  invoke.mockImplementation(async (cmd: string, args: Record<string, unknown>) => {
    if (cmd in extra) return extra[cmd](args);
    if (cmd === "reach") return REACH;
    if (cmd === "attribute_values") return [];
    if (cmd === "segment_list" || cmd === "attribute_list") return [];
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
}

describe("SegmentEditor", () => {
  it("saves a new segment with a null revision and the built condition", async () => {
    const saved = vi.fn();
    routes({
      segment_save: (args) => {
        saved(args);
        return { segment: args.segment, revision: 1, condition_text: "cart_value > 80" };
      },
    });
    renderWithQuery(<SegmentEditor row={null} attributes={ATTRS} onClose={() => {}} onReload={() => {}} />);
    fireEvent.change(screen.getByTestId("segment-name"), { target: { value: "big_carts" } });
    fireEvent.click(screen.getByTestId("builder-add-condition"));
    fireEvent.change(screen.getByTestId("cond-op"), { target: { value: ">" } });
    fireEvent.change(screen.getByTestId("cond-value"), { target: { value: "80" } });
    fireEvent.click(screen.getByTestId("segment-save"));
    await waitFor(() => expect(saved).toHaveBeenCalled());
    expect(saved.mock.calls[0][0]).toEqual({
      segment: { name: "big_carts", condition: { compare: { attr: "cart_value", op: ">", value: 80 } } },
      expectedRevision: null,
    });
    await waitFor(() => expect(screen.getByTestId("segment-save-state")).toHaveTextContent("Saved"));
  });

  it("explains a conflict and offers Reload", async () => {
    const onReload = vi.fn();
    routes({
      segment_save: () => {
        throw { kind: "conflict", message: "segment big_carts was changed (revision 3, you had 2)" };
      },
    });
    const row = { segment: { name: "big_carts", condition: { is_not_null: { attr: "device" } } }, revision: 2, condition_text: "device is_not_null" };
    renderWithQuery(<SegmentEditor row={row} attributes={ATTRS} onClose={() => {}} onReload={onReload} />);
    fireEvent.change(screen.getByTestId("segment-owner"), { target: { value: "ana" } });
    fireEvent.click(screen.getByTestId("segment-save"));
    await waitFor(() => expect(screen.getByTestId("segment-conflict")).toHaveTextContent("changed elsewhere"));
    expect(invoke).toHaveBeenCalledWith("segment_save", expect.objectContaining({ expectedRevision: 2 }));
    fireEvent.click(screen.getByTestId("segment-reload"));
    expect(onReload).toHaveBeenCalledWith("big_carts");
  });

  it("edits as text, shows parse errors, and only returns to visual when the text parses", async () => {
    routes({
      condition_print: () => "cart_value > 80",
      condition_parse: (args) => {
        const text = args.text as string;
        if (text === "cart_value > 90") return { compare: { attr: "cart_value", op: ">", value: 90 } };
        throw { kind: "invalid", message: "expected a value", position: { line: 1, column: 14, offset: 13, end: 13 } };
      },
    });
    const row = { segment: { name: "s", condition: { compare: { attr: "cart_value", op: ">", value: 80 } } }, revision: 1, condition_text: "" } as const;
    renderWithQuery(<SegmentEditor row={row} attributes={ATTRS} onClose={() => {}} onReload={() => {}} />);
    fireEvent.click(screen.getByTestId("mode-text"));
    await waitFor(() => expect(screen.getByTestId("condition-text")).toHaveValue("cart_value > 80"));
    fireEvent.change(screen.getByTestId("condition-text"), { target: { value: "cart_value >" } });
    await waitFor(() => expect(screen.getByTestId("condition-error")).toHaveTextContent("expected a value"));
    expect(screen.getByTestId("mode-visual")).toBeDisabled();
    fireEvent.change(screen.getByTestId("condition-text"), { target: { value: "cart_value > 90" } });
    await waitFor(() => expect(screen.getByTestId("mode-visual")).toBeEnabled());
    fireEvent.click(screen.getByTestId("mode-visual"));
    expect(screen.getByTestId("builder")).toBeInTheDocument();
    expect(screen.getByTestId("cond-value")).toHaveValue(90);
  });
});

describe("Shell keyboard shortcuts", () => {
  const info: WorkspaceInfo = {
    path: "/tmp/a.tailor",
    name: "a",
    workspace_id: "w1",
    shopper_count: 0n,
    attribute_count: 0n,
    segment_count: 0n,
    undo: "Add segment big_carts",
  };

  it("Ctrl+Z undoes outside text fields but not inside them", async () => {
    routes({ undo: () => ({ ...info, undo: undefined }) });
    renderWithQuery(<Shell info={info} />);
    expect(screen.getByTestId("undo")).toHaveAttribute("title", "Undo: Add segment big_carts (Ctrl+Z)");
    expect(screen.getByTestId("redo")).toBeDisabled();
    fireEvent.click(screen.getByTestId("segment-new"));
    const name = await screen.findByTestId("segment-name");
    fireEvent.keyDown(name, { key: "z", ctrlKey: true });
    expect(invoke).not.toHaveBeenCalledWith("undo", undefined);
    await act(async () => {
      fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });
    });
    await waitFor(() => expect(invoke).toHaveBeenCalledWith("undo", undefined));
  });

  it("opens the Publish screen from the sidebar, loading its code on first use", async () => {
    routes({});
    renderWithQuery(<Shell info={info} />);
    fireEvent.click(screen.getByTestId("nav-publish"));
    expect(await screen.findByTestId("publish-screen")).toBeInTheDocument();
  });
});
