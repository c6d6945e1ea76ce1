// Which operators apply to which attribute type, and how their values look.
// The lists come from Rust (crates/model/src/condition/operator.rs writes
// bindings/operators.ts during `cargo test`), so the builder offers exactly
// the operators the parser and type checker know; only the labels live here.
import type { AttrType } from "../bindings/AttrType";
import type { CmpOp } from "../bindings/CmpOp";
import { ALL_OPERATORS, OPERATORS_BY_TYPE, VALUE_SHAPES, type Operator, type ValueShape } from "../bindings/operators";

export type OperatorId = Operator;
export type { ValueShape };
export { ALL_OPERATORS };

export const CMP_OPS: readonly CmpOp[] = ["=", "!=", "<", "<=", ">", ">="];

export function isCmpOp(op: string): op is CmpOp {
  return (CMP_OPS as readonly string[]).includes(op);
}

/** Operators offered for an attribute of this type (all of them when the type is unknown). */
export function operatorsFor(type: AttrType | undefined): readonly OperatorId[] {
  return type ? OPERATORS_BY_TYPE[type] : ALL_OPERATORS;
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
  is_null: "is missing",
  is_not_null: "is set",
  is_empty: "is empty",
  is_not_empty: "is not empty",
  before: "before",
  after: "after",
  within_last: "within last (days)",
};

/** How many value inputs an operator takes. */
export function valueShape(op: OperatorId): ValueShape {
  return VALUE_SHAPES[op];
}
