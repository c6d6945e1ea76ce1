import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Attribute } from "../bindings/Attribute";
import { conditionToBuilder, type BuilderGroup } from "../condition/builder";
import { renderWithQuery } from "../test/utils";
import { ConditionBuilder } from "./ConditionBuilder";
import { ConditionTextEditor } from "./ConditionTextEditor";
import { ReachPanel, ReachSummary } from "./ReachPanel";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

beforeEach(() => {
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === "attribute_values") return [{ value: "mobile", count: 10 }];
    throw { kind: "internal", message: `unexpected ${cmd}` };
  });
});

const ATTRS: Attribute[] = [
  { name: "cart_value", type: "number" },
  { name: "subscribed", type: "bool" },
  { name: "device", type: "string" },
  { name: "tags", type: "string_list" },
];

describe("ReachSummary", () => {
  it("shows matched of total with the share and examples", () => {
    renderWithQuery(
      <ReachSummary report={{ matched: 1234, total: 5000, share: 0.2468, examples: [{ id: "s1", values: { device: "mobile", cart_value: 90 } }] }} />,
    );
    expect(screen.getByTestId("reach-matched")).toHaveTextContent("1234");
    expect(screen.getByTestId("reach-total")).toHaveTextContent("5000");
    expect(screen.getByTestId("reach-share")).toHaveTextContent("24.7%");
    expect(screen.getByTestId("reach-examples")).toHaveTextContent("s1");
    expect(screen.getByTestId("reach-examples")).toHaveTextContent("device: mobile");
  });

  it("says there are no sample shoppers instead of showing 0%", () => {
    renderWithQuery(<ReachSummary report={{ matched: 0, total: 0, share: 0, examples: [] }} />);
    expect(screen.getByTestId("reach-no-shoppers")).toBeInTheDocument();
    expect(screen.queryByTestId("reach-share")).toBeNull();
  });
});

describe("ReachPanel", () => {
  it("asks Rust for the reach of the condition and shows it", async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === "reach") return { matched: 3, total: 12, share: 0.25, examples: [] };
      throw { kind: "internal", message: cmd };
    });
    renderWithQuery(<ReachPanel condition={{ compare: { attr: "cart_value", op: ">", value: 80 } }} />);
    await waitFor(() => expect(screen.getByTestId("reach-matched")).toHaveTextContent("3"));
    expect(screen.getByTestId("reach-share")).toHaveTextContent("25.0%");
    expect(invoke).toHaveBeenCalledWith("reach", { condition: { compare: { attr: "cart_value", op: ">", value: 80 } } });
  });

  it("shows the message when the condition is invalid", async () => {
    invoke.mockRejectedValue({ kind: "invalid", message: "unknown attribute `nope`" });
    renderWithQuery(<ReachPanel condition={{ is_null: { attr: "nope" } }} />);
    await waitFor(() => expect(screen.getByTestId("reach-error")).toHaveTextContent("unknown attribute `nope`"));
  });
});

describe("ConditionTextEditor", () => {
  it("shows the message, line and column, and marks the error span", () => {
    const text = 'device = "mobile" and cart_value > "lots"';
    const offset = text.indexOf('"lots"');
    renderWithQuery(
      <ConditionTextEditor
        text={text}
        onChange={() => {}}
        parsing={false}
        error={{ kind: "invalid", message: "cart_value is a number, not a string", position: { line: 1, column: offset + 1, offset, end: offset + 6 } }}
      />,
    );
    const err = screen.getByTestId("condition-error");
    expect(err).toHaveTextContent("cart_value is a number, not a string");
    expect(screen.getByTestId("condition-error-position")).toHaveTextContent(`Line 1, column ${offset + 1}`);
    expect(screen.getByTestId("condition-error-mark")).toHaveTextContent('"lots"');
    expect(screen.getByTestId("condition-text")).toHaveAttribute("aria-invalid", "true");
  });

  it("says the condition is valid when there is no error", () => {
    renderWithQuery(<ConditionTextEditor text="true" onChange={() => {}} parsing={false} error={null} />);
    expect(screen.getByTestId("condition-ok")).toBeInTheDocument();
    expect(screen.queryByTestId("condition-error")).toBeNull();
  });
});

describe("ConditionBuilder", () => {
  function setup(root: BuilderGroup) {
    const onChange = vi.fn();
    renderWithQuery(<ConditionBuilder root={root} attributes={ATTRS} onChange={onChange} />);
    return onChange;
  }

  it("filters the operator list by the attribute's type", () => {
    setup(conditionToBuilder({ compare: { attr: "subscribed", op: "=", value: true } }));
    const ops = within(screen.getByTestId("cond-op")).getAllByRole("option").map((o) => o.getAttribute("value"));
    expect(ops).toEqual(["=", "!=", "is_null", "is_not_null"]);
    // bool values are a true/false select
    expect(screen.getByTestId("cond-value").tagName).toBe("SELECT");
  });

  it("uses a number input for numbers and marks an empty value as incomplete", () => {
    setup({ ...conditionToBuilder("true"), children: [{ kind: "rule", id: "r1", negated: false, attr: "cart_value", op: ">", value: "", high: "" }] });
    expect(screen.getByTestId("cond-value")).toHaveAttribute("type", "number");
    expect(screen.getByTestId("cond-incomplete")).toHaveTextContent("Enter a number");
  });

  it("shows two inputs for between", () => {
    setup(conditionToBuilder({ between: { attr: "cart_value", low: 1, high: 9 } }));
    expect(screen.getByTestId("cond-value")).toHaveValue(1);
    expect(screen.getByTestId("cond-value-high")).toHaveValue(9);
  });

  it("adds a condition and a nested group to the root", () => {
    const root = conditionToBuilder("true");
    const onChange = setup(root);
    fireEvent.click(screen.getByTestId("builder-add-condition"));
    const next = onChange.mock.calls[0][0] as BuilderGroup;
    expect(next.children).toHaveLength(1);
    expect(next.children[0]).toMatchObject({ kind: "rule", attr: "cart_value" });
    fireEvent.click(screen.getByTestId("builder-add-group"));
    expect((onChange.mock.calls[1][0] as BuilderGroup).children[0]).toMatchObject({ kind: "group", op: "or" });
  });

  it("switching the attribute resets an operator the new type does not allow", () => {
    const onChange = setup(conditionToBuilder({ compare: { attr: "cart_value", op: ">", value: 3 } }));
    fireEvent.change(screen.getByTestId("cond-attr"), { target: { value: "tags" } });
    const next = onChange.mock.calls[0][0] as BuilderGroup;
    expect(next.children[0]).toMatchObject({ attr: "tags", op: "contains", value: "" });
  });
});
