import type { Attribute } from "../bindings/Attribute";
import { ruleToCondition, withAttribute, type BuilderRule } from "../condition/builder";
import { OPERATOR_LABELS, operatorsFor, type OperatorId } from "../condition/operators";
import { ValueInput } from "./ValueInput";

interface Props {
  rule: BuilderRule;
  attributes: Attribute[];
  onChange: (rule: BuilderRule) => void;
  onRemove: () => void;
}

/** One comparison: attribute, operator, value; NOT toggle; incomplete marker. */
export function ConditionRow({ rule, attributes, onChange, onRemove }: Props) {
  const attribute = attributes.find((a) => a.name === rule.attr);
  const typeOf = (n: string) => attributes.find((a) => a.name === n)?.type;
  const ops = operatorsFor(attribute?.type);
  const result = ruleToCondition(rule, typeOf);
  const unknownAttr = rule.attr !== "" && !attribute;

  return (
    <div className={"cond-row" + (result.ok ? "" : " incomplete")} data-testid="cond-row" data-complete={result.ok}>
      <label className="not-toggle" title="Negate this condition">
        <input type="checkbox" checked={rule.negated} onChange={(e) => onChange({ ...rule, negated: e.target.checked })} data-testid="cond-not" />
        NOT
      </label>
      <select
        value={rule.attr}
        onChange={(e) => onChange(withAttribute(rule, e.target.value, typeOf(e.target.value)))}
        data-testid="cond-attr"
        aria-label="Attribute"
      >
        <option value="">attribute…</option>
        {attributes.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
          </option>
        ))}
        {unknownAttr && <option value={rule.attr}>{rule.attr} (unknown)</option>}
      </select>
      <select value={ops.includes(rule.op) ? rule.op : ""} onChange={(e) => onChange({ ...rule, op: e.target.value as OperatorId })} data-testid="cond-op" aria-label="Operator" disabled={!rule.attr}>
        {!ops.includes(rule.op) && <option value="">operator…</option>}
        {ops.map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op]}
          </option>
        ))}
      </select>
      {rule.attr && <ValueInput attribute={attribute} op={rule.op} value={rule.value} high={rule.high} onChange={(value, high) => onChange({ ...rule, value, high })} />}
      {!result.ok && (
        <span className="incomplete-note" data-testid="cond-incomplete" title="Incomplete rows are left out of the condition">
          {unknownAttr ? `Unknown attribute` : result.reason}
        </span>
      )}
      <button type="button" className="btn-icon" onClick={onRemove} aria-label="Remove condition" title="Remove condition" data-testid="cond-remove">
        ×
      </button>
    </div>
  );
}
