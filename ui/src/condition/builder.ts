// The visual builder's state and its 1:1 mapping to the Condition AST.
//
// Groups are `and`/`or` nodes (optionally negated), rules are leaves
// (optionally negated). Values are kept as the text the user typed and are
// parsed by attribute type when the AST is built; a rule whose text does not
// parse (or has no attribute yet) is *incomplete* and is left out of the AST,
// as are empty nested groups.
import type { AttrType } from "../bindings/AttrType";
import type { Condition } from "../bindings/Condition";
import type { Literal } from "../bindings/Literal";
import { isCmpOp, operatorsFor, valueShape, type OperatorId } from "./operators";

export type GroupOp = "and" | "or";

export interface BuilderRule {
  kind: "rule";
  id: string;
  negated: boolean;
  attr: string;
  op: OperatorId;
  /** Single value, the low end of a range, a comma-separated list, or a number of days. */
  value: string;
  /** High end of a `between` range. */
  high: string;
}

export interface BuilderGroup {
  kind: "group";
  id: string;
  negated: boolean;
  op: GroupOp;
  children: BuilderNode[];
}

export type BuilderNode = BuilderRule | BuilderGroup;

/** Attribute name -> type, for parsing values. */
export type TypeLookup = (attr: string) => AttrType | undefined;

let counter = 0;
export const newId = () => `n${++counter}`;

export const emptyGroup = (op: GroupOp = "and"): BuilderGroup => ({
  kind: "group",
  id: newId(),
  negated: false,
  op,
  children: [],
});

export const emptyRule = (attr = "", op: OperatorId = "="): BuilderRule => ({
  kind: "rule",
  id: newId(),
  negated: false,
  attr,
  op,
  value: "",
  high: "",
});

// ---------- values ----------

/** A number typed by the user, or null when it is not one. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * Parse one value for an attribute type. Numbers must be numbers, bools
 * `true`/`false`; strings, enums and dates are kept as text. With an unknown
 * type the most specific reading wins.
 */
export function parseLiteral(text: string, type: AttrType | undefined): Literal | null {
  const t = text.trim();
  switch (type) {
    case "number":
      return parseNumber(t);
    case "bool":
      return t === "true" ? true : t === "false" ? false : null;
    case "string":
    case "enum":
    case "string_list":
      return text === "" ? null : text;
    case "date":
      return t === "" ? null : t;
    default: {
      if (t === "") return null;
      if (t === "true") return true;
      if (t === "false") return false;
      const n = parseNumber(t);
      return n ?? text;
    }
  }
}

export function literalToText(v: Literal): string {
  return typeof v === "string" ? v : String(v);
}

/** Split `a, b, "c, d"` into values; double quotes protect commas. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let hadQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      if (quoted && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else {
        quoted = !quoted;
        hadQuotes = true;
      }
    } else if (ch === "," && !quoted) {
      push();
    } else {
      cur += ch;
    }
  }
  push();
  return out;

  function push() {
    const v = hadQuotes ? cur : cur.trim();
    if (v.trim() !== "" || hadQuotes) out.push(hadQuotes ? v.trim() : v);
    cur = "";
    hadQuotes = false;
  }
}

export function joinList(values: readonly string[]): string {
  return values
    .map((v) => (/[,"]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v))
    .join(", ");
}

// ---------- AST -> builder ----------

const isGroupCondition = (c: Condition): c is { and: Condition[] } | { or: Condition[] } =>
  typeof c === "object" && ("and" in c || "or" in c);

/** The builder tree for a condition. The root is always a group. */
export function conditionToBuilder(c: Condition): BuilderGroup {
  if (c === "true") return emptyGroup();
  if (isGroupCondition(c)) return toNode(c) as BuilderGroup;
  if (typeof c === "object" && "not" in c && (isGroupCondition(c.not) || c.not === "true")) {
    return toNode(c) as BuilderGroup;
  }
  return { ...emptyGroup(), children: [toNode(c)] };
}

function toNode(c: Condition): BuilderNode {
  if (c === "true") return emptyGroup();
  if ("and" in c) return { ...emptyGroup("and"), children: c.and.map(toNode) };
  if ("or" in c) return { ...emptyGroup("or"), children: c.or.map(toNode) };
  if ("not" in c) {
    const inner = c.not;
    if (inner === "true" || isGroupCondition(inner)) {
      return { ...(toNode(inner) as BuilderGroup), negated: true };
    }
    if ("not" in inner) {
      // not not X: a negated group around the inner `not X`.
      return { ...emptyGroup("and"), negated: true, children: [toNode(inner)] };
    }
    return { ...(toNode(inner) as BuilderRule), negated: true };
  }
  return leafToRule(c);
}

function leafToRule(c: Exclude<Condition, "true" | { and: unknown } | { or: unknown } | { not: unknown }>): BuilderRule {
  const r = emptyRule();
  if ("compare" in c) return { ...r, attr: c.compare.attr, op: c.compare.op, value: literalToText(c.compare.value) };
  if ("between" in c)
    return { ...r, attr: c.between.attr, op: "between", value: literalToText(c.between.low), high: literalToText(c.between.high) };
  if ("in" in c) return { ...r, attr: c.in.attr, op: "in", value: joinList(c.in.values.map(literalToText)) };
  if ("not_in" in c) return { ...r, attr: c.not_in.attr, op: "not_in", value: joinList(c.not_in.values.map(literalToText)) };
  if ("contains" in c) return { ...r, attr: c.contains.attr, op: "contains", value: c.contains.value };
  if ("contains_any" in c) return { ...r, attr: c.contains_any.attr, op: "contains_any", value: joinList(c.contains_any.values) };
  if ("contains_all" in c) return { ...r, attr: c.contains_all.attr, op: "contains_all", value: joinList(c.contains_all.values) };
  if ("starts_with" in c) return { ...r, attr: c.starts_with.attr, op: "starts_with", value: c.starts_with.value };
  if ("is_null" in c) return { ...r, attr: c.is_null.attr, op: "is_null" };
  if ("is_not_null" in c) return { ...r, attr: c.is_not_null.attr, op: "is_not_null" };
  if ("is_empty" in c) return { ...r, attr: c.is_empty.attr, op: "is_empty" };
  if ("is_not_empty" in c) return { ...r, attr: c.is_not_empty.attr, op: "is_not_empty" };
  if ("before" in c) return { ...r, attr: c.before.attr, op: "before", value: c.before.date };
  if ("after" in c) return { ...r, attr: c.after.attr, op: "after", value: c.after.date };
  return { ...r, attr: c.within_last.attr, op: "within_last", value: String(c.within_last.days) };
}

// ---------- builder -> AST ----------

export type RuleResult = { ok: true; condition: Condition } | { ok: false; reason: string };

/** The AST leaf for one rule, or why it is incomplete. */
export function ruleToCondition(rule: BuilderRule, typeOf: TypeLookup): RuleResult {
  const leaf = ruleLeaf(rule, typeOf);
  if (!leaf.ok) return leaf;
  return rule.negated ? { ok: true, condition: { not: leaf.condition } } : leaf;
}

function ruleLeaf(rule: BuilderRule, typeOf: TypeLookup): RuleResult {
  const attr = rule.attr;
  if (!attr) return { ok: false, reason: "Choose an attribute" };
  const type = typeOf(attr);
  if (!operatorsFor(type).includes(rule.op)) return { ok: false, reason: "Choose an operator" };
  const op = rule.op;
  const shape = valueShape(op);
  const need = (what: string): RuleResult => ({ ok: false, reason: what });

  if (shape === "none") {
    switch (op) {
      case "is_null":
        return { ok: true, condition: { is_null: { attr } } };
      case "is_not_null":
        return { ok: true, condition: { is_not_null: { attr } } };
      case "is_empty":
        return { ok: true, condition: { is_empty: { attr } } };
      case "is_not_empty":
        return { ok: true, condition: { is_not_empty: { attr } } };
    }
  }
  if (shape === "days") {
    const n = parseNumber(rule.value);
    if (n === null || n < 0 || !Number.isInteger(n)) return need("Enter a whole number of days");
    return { ok: true, condition: { within_last: { attr, days: n } } };
  }
  if (shape === "range") {
    const low = parseLiteral(rule.value, type);
    const high = parseLiteral(rule.high, type);
    if (low === null || high === null) return need(type === "number" ? "Enter two numbers" : "Enter both ends of the range");
    return { ok: true, condition: { between: { attr, low, high } } };
  }
  if (shape === "list") {
    const texts = splitList(rule.value);
    if (texts.length === 0) return need("Enter at least one value");
    if (op === "contains_any" || op === "contains_all") {
      return { ok: true, condition: op === "contains_any" ? { contains_any: { attr, values: texts } } : { contains_all: { attr, values: texts } } };
    }
    const values: Literal[] = [];
    for (const t of texts) {
      const v = parseLiteral(t, type);
      if (v === null) return need(type === "number" ? `"${t}" is not a number` : `"${t}" is not a valid value`);
      values.push(v);
    }
    return { ok: true, condition: op === "in" ? { in: { attr, values } } : { not_in: { attr, values } } };
  }
  // single value
  if (op === "contains" || op === "starts_with" || op === "before" || op === "after") {
    if (rule.value.trim() === "") return need(op === "before" || op === "after" ? "Choose a date" : "Enter a value");
    if (op === "contains") return { ok: true, condition: { contains: { attr, value: rule.value } } };
    if (op === "starts_with") return { ok: true, condition: { starts_with: { attr, value: rule.value } } };
    const date = rule.value.trim();
    return { ok: true, condition: op === "before" ? { before: { attr, date } } : { after: { attr, date } } };
  }
  if (isCmpOp(op)) {
    const value = parseLiteral(rule.value, type);
    if (value === null) {
      if (type === "number") return need(rule.value.trim() === "" ? "Enter a number" : "Not a number");
      if (type === "bool") return need("Choose true or false");
      return need("Enter a value");
    }
    return { ok: true, condition: { compare: { attr, op, value } } };
  }
  return need("Choose an operator");
}

export interface BuildResult {
  /** The AST of the complete part; `"true"` when nothing is complete. */
  condition: Condition;
  /** Rules left out because they are incomplete. */
  incomplete: number;
}

/** The AST for the builder tree (incomplete rules and empty groups left out). */
export function builderToCondition(root: BuilderGroup, typeOf: TypeLookup): BuildResult {
  let incomplete = 0;
  const walk = (node: BuilderNode): Condition | null => {
    if (node.kind === "rule") {
      const r = ruleToCondition(node, typeOf);
      if (!r.ok) {
        incomplete++;
        return null;
      }
      return r.condition;
    }
    const parts = node.children.map(walk).filter((c): c is Condition => c !== null);
    if (parts.length === 0) return null;
    const inner: Condition = parts.length === 1 ? parts[0] : node.op === "and" ? { and: parts } : { or: parts };
    return node.negated ? { not: inner } : inner;
  };
  const c = walk(root);
  if (c === null) return { condition: root.negated && root.children.length === 0 ? { not: "true" } : "true", incomplete };
  return { condition: c, incomplete };
}

// ---------- immutable edits ----------

export function updateNode(root: BuilderGroup, id: string, f: (n: BuilderNode) => BuilderNode): BuilderGroup {
  const visit = (n: BuilderNode): BuilderNode => {
    if (n.id === id) return f(n);
    if (n.kind === "group") return { ...n, children: n.children.map(visit) };
    return n;
  };
  return visit(root) as BuilderGroup;
}

export function removeNode(root: BuilderGroup, id: string): BuilderGroup {
  const visit = (g: BuilderGroup): BuilderGroup => ({
    ...g,
    children: g.children.filter((c) => c.id !== id).map((c) => (c.kind === "group" ? visit(c) : c)),
  });
  return visit(root);
}

export function addChild(root: BuilderGroup, groupId: string, child: BuilderNode): BuilderGroup {
  return updateNode(root, groupId, (g) => (g.kind === "group" ? { ...g, children: [...g.children, child] } : g));
}

/** Change a rule's attribute, keeping the operator when the new type allows it. */
export function withAttribute(rule: BuilderRule, attr: string, type: AttrType | undefined): BuilderRule {
  const ops = operatorsFor(type);
  const op = ops.includes(rule.op) ? rule.op : ops[0];
  return { ...rule, attr, op, value: "", high: "" };
}
