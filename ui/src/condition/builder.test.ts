import { describe, expect, it } from "vitest";
import type { AttrType } from "../bindings/AttrType";
import type { Condition } from "../bindings/Condition";
import {
  builderToCondition,
  conditionToBuilder,
  emptyGroup,
  emptyRule,
  joinList,
  parseLiteral,
  parseNumber,
  ruleToCondition,
  splitList,
  withAttribute,
  type BuilderGroup,
} from "./builder";
import { operatorsFor } from "./operators";

const TYPES: Record<string, AttrType> = {
  visitor_type: "enum",
  device: "string",
  cart_value: "number",
  days_since_last_order: "number",
  viewed_categories: "string_list",
  last_order: "date",
  subscribed: "bool",
  zip: "string",
};
const typeOf = (n: string) => TYPES[n];
const roundTrip = (c: Condition) => builderToCondition(conditionToBuilder(c), typeOf).condition;

describe("condition builder <-> AST", () => {
  it("round-trips the DESIGN example with nested groups and not", () => {
    const c: Condition = {
      and: [
        { compare: { attr: "visitor_type", op: "=", value: "returning" } },
        { in: { attr: "device", values: ["mobile", "tablet"] } },
        { or: [{ compare: { attr: "cart_value", op: ">", value: 80 } }, { contains: { attr: "viewed_categories", value: "running" } }] },
        { not: { between: { attr: "days_since_last_order", low: 60, high: 180 } } },
      ],
    };
    expect(roundTrip(c)).toEqual(c);
  });

  it("maps a negated group to a negated builder group and back", () => {
    const c: Condition = {
      or: [
        { not: { and: [{ is_null: { attr: "zip" } }, { compare: { attr: "subscribed", op: "=", value: true } }] } },
        { within_last: { attr: "last_order", days: 30 } },
      ],
    };
    const root = conditionToBuilder(c);
    expect(root.op).toBe("or");
    const inner = root.children[0] as BuilderGroup;
    expect(inner.kind).toBe("group");
    expect(inner.negated).toBe(true);
    expect(inner.op).toBe("and");
    expect(roundTrip(c)).toEqual(c);
  });

  it("round-trips a single leaf, a negated leaf, not-not and every leaf operator", () => {
    const leaves: Condition[] = [
      { compare: { attr: "cart_value", op: "<=", value: 12.5 } },
      { not: { starts_with: { attr: "zip", value: "75" } } },
      { not: { not: { is_not_null: { attr: "zip" } } } },
      { not_in: { attr: "cart_value", values: [1, 2] } },
      { contains_any: { attr: "viewed_categories", values: ["a, b", "c"] } },
      { contains_all: { attr: "viewed_categories", values: ["x", "y"] } },
      { before: { attr: "last_order", date: "2024-01-31" } },
      { after: { attr: "last_order", date: "2024-02-01" } },
      { between: { attr: "last_order", low: "2024-01-01", high: "2024-03-01" } },
    ];
    for (const c of leaves) expect(roundTrip(c)).toEqual(c);
  });

  it("builds is_empty / is_not_empty for lists, and only for lists", () => {
    for (const c of [{ is_empty: { attr: "viewed_categories" } }, { is_not_empty: { attr: "viewed_categories" } }, { not: { is_not_empty: { attr: "viewed_categories" } } }] as Condition[]) {
      expect(roundTrip(c)).toEqual(c);
    }
    const rule = emptyRule("viewed_categories", "is_not_empty");
    expect(ruleToCondition(rule, typeOf)).toEqual({ ok: true, condition: { is_not_empty: { attr: "viewed_categories" } } });
    expect(ruleToCondition({ ...rule, attr: "zip" }, typeOf)).toEqual({ ok: false, reason: "Choose an operator" });
    // Switching a list rule to a string attribute drops the list-only operator.
    expect(withAttribute(rule, "zip", "string").op).toBe("=");
    expect(withAttribute(emptyRule("viewed_categories", "is_null"), "zip", "string").op).toBe("is_null");
  });

  it("an empty builder means every shopper ('true')", () => {
    expect(conditionToBuilder("true").children).toHaveLength(0);
    expect(builderToCondition(emptyGroup(), typeOf)).toEqual({ condition: "true", incomplete: 0 });
  });

  it("leaves incomplete rows and empty nested groups out, and counts them", () => {
    const root: BuilderGroup = {
      ...emptyGroup("and"),
      children: [
        { ...emptyRule("cart_value", ">"), value: "80" },
        { ...emptyRule("cart_value", ">"), value: "" }, // no value
        { ...emptyRule("", "=") }, // no attribute
        emptyGroup("or"), // empty group
      ],
    };
    const r = builderToCondition(root, typeOf);
    expect(r.incomplete).toBe(2);
    expect(r.condition).toEqual({ compare: { attr: "cart_value", op: ">", value: 80 } });
  });

  it("a rule whose operator does not fit the attribute type is incomplete", () => {
    const r = ruleToCondition({ ...emptyRule("subscribed", "between"), value: "1", high: "2" }, typeOf);
    expect(r.ok).toBe(false);
  });

  it("changing a rule's attribute keeps a valid operator and resets an invalid one", () => {
    const r = { ...emptyRule("cart_value", ">"), value: "3" };
    expect(withAttribute(r, "days_since_last_order", "number").op).toBe(">");
    const toList = withAttribute(r, "viewed_categories", "string_list");
    expect(toList.op).toBe("contains");
    expect(toList.value).toBe("");
  });
});

describe("operators by attribute type", () => {
  it("offers only the operators the type supports", () => {
    expect(operatorsFor("bool")).toEqual(["=", "!=", "is_null", "is_not_null"]);
    expect(operatorsFor("string_list")).toEqual(["contains", "contains_any", "contains_all", "is_empty", "is_not_empty", "is_null", "is_not_null"]);
    expect(operatorsFor("string")).toContain("starts_with");
    expect(operatorsFor("string")).not.toContain("<");
    expect(operatorsFor("enum")).not.toContain("starts_with");
    expect(operatorsFor("number")).toContain("between");
    expect(operatorsFor("number")).not.toContain("contains");
    for (const type of ["number", "string", "enum", "bool", "date"] as const) expect(operatorsFor(type)).not.toContain("is_empty");
    expect(operatorsFor("date")).toEqual(expect.arrayContaining(["before", "after", "within_last", "between", "<"]));
  });
});

describe("value parsing", () => {
  it("parses numbers for number attributes and rejects non-numbers", () => {
    expect(parseNumber(" 42 ")).toBe(42);
    expect(parseNumber("4e2")).toBe(400);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("12abc")).toBeNull();
    expect(parseLiteral("80", "number")).toBe(80);
    expect(parseLiteral("eighty", "number")).toBeNull();
  });

  it("keeps digits as text for string attributes", () => {
    expect(parseLiteral("75001", "string")).toBe("75001");
    expect(ruleToCondition({ ...emptyRule("zip", "="), value: "75001" }, typeOf)).toEqual({
      ok: true,
      condition: { compare: { attr: "zip", op: "=", value: "75001" } },
    });
  });

  it("parses bools only from true/false", () => {
    expect(parseLiteral("true", "bool")).toBe(true);
    expect(parseLiteral("false", "bool")).toBe(false);
    expect(parseLiteral("yes", "bool")).toBeNull();
  });

  it("builds typed lists for in, and reports the value that is not a number", () => {
    expect(ruleToCondition({ ...emptyRule("cart_value", "in"), value: "1, 2.5,3" }, typeOf)).toEqual({
      ok: true,
      condition: { in: { attr: "cart_value", values: [1, 2.5, 3] } },
    });
    const bad = ruleToCondition({ ...emptyRule("cart_value", "in"), value: "1, two" }, typeOf);
    expect(bad).toEqual({ ok: false, reason: '"two" is not a number' });
  });

  it("splits comma lists, honouring quotes, and joins them back", () => {
    expect(splitList('mobile, tablet , "a, b",')).toEqual(["mobile", "tablet", "a, b"]);
    const values = ["x", 'say "hi"', "a,b"];
    expect(splitList(joinList(values))).toEqual(values);
  });

  it("within_last needs a whole number of days", () => {
    expect(ruleToCondition({ ...emptyRule("last_order", "within_last"), value: "30" }, typeOf)).toEqual({
      ok: true,
      condition: { within_last: { attr: "last_order", days: 30 } },
    });
    expect(ruleToCondition({ ...emptyRule("last_order", "within_last"), value: "2.5" }, typeOf).ok).toBe(false);
  });
});
