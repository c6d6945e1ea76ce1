// Which operators apply to which attribute type, and how their values look.
import type { AttrType } from "../bindings/AttrType";
import type { CmpOp } from "../bindings/CmpOp";

export type OperatorId =
  | CmpOp
  | "between"
  | "in"
  | "not_in"
  | "contains"
  | "contains_any"
  | "contains_all"
  | "starts_with"
  | "is_null"
  | "is_not_null"
  | "before"
  | "after"
  | "within_last";

export const CMP_OPS: readonly CmpOp[] = ["=", "!=", "<", "<=", ">", ">="];

export function isCmpOp(op: string): op is CmpOp {
  return (CMP_OPS as readonly string[]).includes(op);
}

const BY_TYPE: Record<AttrType, readonly OperatorId[]> = {
  number: ["=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "is_null", "is_not_null"],
  string: ["=", "!=", "in", "not_in", "starts_with", "is_null", "is_not_null"],
  enum: ["=", "!=", "in", "not_in", "is_null", "is_not_null"],
  bool: ["=", "!=", "is_null", "is_not_null"],
  date: [
    "before",
    "after",
    "within_last",
    "between",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "is_null",
    "is_not_null",
  ],
  string_list: ["contains", "contains_any", "contains_all", "is_null", "is_not_null"],
};

export const ALL_OPERATORS: readonly OperatorId[] = [
  "=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "contains", "contains_any",
  "contains_all", "starts_with", "is_null", "is_not_null", "before", "after", "within_last",
];

/** Operators offered for an attribute of this type (all of them when the type is unknown). */
export function operatorsFor(type: AttrType | undefined): readonly OperatorId[] {
  return type ? BY_TYPE[type] : ALL_OPERATORS;
}

export const OPERATOR_LABELS: Record<OperatorId, string> = {
  "=": "is",
  "!=": "is not",
  "<": "<",
  "<=": "≤",
  ">": ">",
  ">=": "≥",
  between: "between",
  in: "is one of",
  not_in: "is none of",
  contains: "contains",
  contains_any: "contains any of",
  contains_all: "contains all of",
  starts_with: "starts with",
  is_null: "is empty",
  is_not_null: "is set",
  before: "before",
  after: "after",
  within_last: "within last (days)",
};

/** How many value inputs an operator takes. */
export type ValueShape = "none" | "single" | "range" | "list" | "days";

export function valueShape(op: OperatorId): ValueShape {
  switch (op) {
    case "is_null":
    case "is_not_null":
      return "none";
    case "between":
      return "range";
    case "in":
    case "not_in":
    case "contains_any":
    case "contains_all":
      return "list";
    case "within_last":
      return "days";
    default:
      return "single";
  }
}
