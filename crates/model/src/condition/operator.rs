//! The operators of the condition language, listed once: the parser reads
//! their keywords from here, the type checker asks which attribute types
//! they apply to, and the visual builder gets the same lists as TypeScript
//! (`ui/src/bindings/operators.ts`, written by this module's tests, like the
//! ts-rs bindings), so the Rust and TypeScript lists cannot drift.

use super::ast::{CmpOp, Condition};
use crate::attribute::AttrType;

/// A condition operator; [`Operator::keyword`] is how the text syntax (and
/// the TypeScript type) writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
    In,
    NotIn,
    Contains,
    ContainsAny,
    ContainsAll,
    StartsWith,
    IsNull,
    IsNotNull,
    IsEmpty,
    IsNotEmpty,
    Before,
    After,
    WithinLast,
}

/// The value inputs an operator takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueShape {
    /// No value (`is_null`, `is_empty`…).
    None,
    /// One literal.
    Single,
    /// Two literals, low and high (`between`).
    Range,
    /// A list of literals (`in`, `contains_any`…).
    List,
    /// A whole number of days (`within_last`).
    Days,
}

impl ValueShape {
    pub const ALL: [ValueShape; 5] = [
        ValueShape::None,
        ValueShape::Single,
        ValueShape::Range,
        ValueShape::List,
        ValueShape::Days,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueShape::None => "none",
            ValueShape::Single => "single",
            ValueShape::Range => "range",
            ValueShape::List => "list",
            ValueShape::Days => "days",
        }
    }
}

use Operator as O;

const ORDERED: &[Operator] = &[O::Eq, O::Ne, O::Lt, O::Le, O::Gt, O::Ge];
const NULL_TESTS: &[Operator] = &[O::IsNull, O::IsNotNull];

impl Operator {
    /// Every operator, in the order the builder lists them when the
    /// attribute's type is unknown.
    pub const ALL: [Operator; 20] = [
        O::Eq,
        O::Ne,
        O::Lt,
        O::Le,
        O::Gt,
        O::Ge,
        O::Between,
        O::In,
        O::NotIn,
        O::Contains,
        O::ContainsAny,
        O::ContainsAll,
        O::StartsWith,
        O::IsNull,
        O::IsNotNull,
        O::IsEmpty,
        O::IsNotEmpty,
        O::Before,
        O::After,
        O::WithinLast,
    ];

    /// The symbol or keyword of the text syntax.
    pub const fn keyword(self) -> &'static str {
        match self {
            O::Eq => "=",
            O::Ne => "!=",
            O::Lt => "<",
            O::Le => "<=",
            O::Gt => ">",
            O::Ge => ">=",
            O::Between => "between",
            O::In => "in",
            O::NotIn => "not_in",
            O::Contains => "contains",
            O::ContainsAny => "contains_any",
            O::ContainsAll => "contains_all",
            O::StartsWith => "starts_with",
            O::IsNull => "is_null",
            O::IsNotNull => "is_not_null",
            O::IsEmpty => "is_empty",
            O::IsNotEmpty => "is_not_empty",
            O::Before => "before",
            O::After => "after",
            O::WithinLast => "within_last",
        }
    }

    /// The operator written as `word` (symbols included).
    pub fn from_keyword(word: &str) -> Option<Operator> {
        Self::ALL.into_iter().find(|op| op.keyword() == word)
    }

    /// The operator of a leaf; `None` for `True`, `and`, `or` and `not`.
    pub fn of(c: &Condition) -> Option<Operator> {
        Some(match c {
            Condition::True | Condition::And(_) | Condition::Or(_) | Condition::Not(_) => {
                return None;
            }
            Condition::Compare { op, .. } => Self::from(*op),
            Condition::Between { .. } => O::Between,
            Condition::In { .. } => O::In,
            Condition::NotIn { .. } => O::NotIn,
            Condition::Contains { .. } => O::Contains,
            Condition::ContainsAny { .. } => O::ContainsAny,
            Condition::ContainsAll { .. } => O::ContainsAll,
            Condition::StartsWith { .. } => O::StartsWith,
            Condition::IsNull { .. } => O::IsNull,
            Condition::IsNotNull { .. } => O::IsNotNull,
            Condition::IsEmpty { .. } => O::IsEmpty,
            Condition::IsNotEmpty { .. } => O::IsNotEmpty,
            Condition::Before { .. } => O::Before,
            Condition::After { .. } => O::After,
            Condition::WithinLast { .. } => O::WithinLast,
        })
    }

    /// The value inputs the operator takes.
    pub fn shape(self) -> ValueShape {
        match self {
            O::IsNull | O::IsNotNull | O::IsEmpty | O::IsNotEmpty => ValueShape::None,
            O::Between => ValueShape::Range,
            O::In | O::NotIn | O::ContainsAny | O::ContainsAll => ValueShape::List,
            O::WithinLast => ValueShape::Days,
            _ => ValueShape::Single,
        }
    }

    /// Whether the type checker accepts the operator on an attribute of
    /// this type. Every operator [offered](Operator::offered_for) for a
    /// type applies to it; `in`/`not_in` also apply to `bool` and `date`
    /// attributes, which the builder does not offer.
    pub fn applies_to(self, ty: AttrType) -> bool {
        use AttrType as T;
        match self {
            O::Eq | O::Ne | O::In | O::NotIn => ty != T::StringList,
            O::Lt | O::Le | O::Gt | O::Ge | O::Between => matches!(ty, T::Number | T::Date),
            O::Contains | O::ContainsAny | O::ContainsAll | O::IsEmpty | O::IsNotEmpty => {
                ty == T::StringList
            }
            O::StartsWith => matches!(ty, T::String | T::Enum),
            O::IsNull | O::IsNotNull => true,
            O::Before | O::After | O::WithinLast => ty == T::Date,
        }
    }

    /// The operators the visual builder offers for an attribute of this
    /// type, in the order it lists them.
    pub fn offered_for(ty: AttrType) -> Vec<Operator> {
        let (equal, nulls) = (&ORDERED[..2], NULL_TESTS);
        let parts: &[&[Operator]] = match ty {
            AttrType::Number => &[ORDERED, &[O::Between, O::In, O::NotIn], nulls],
            AttrType::String => &[equal, &[O::In, O::NotIn, O::StartsWith], nulls],
            AttrType::Enum => &[equal, &[O::In, O::NotIn], nulls],
            AttrType::Bool => &[equal, nulls],
            AttrType::Date => &[
                &[O::Before, O::After, O::WithinLast, O::Between],
                ORDERED,
                nulls,
            ],
            AttrType::StringList => &[
                &[
                    O::Contains,
                    O::ContainsAny,
                    O::ContainsAll,
                    O::IsEmpty,
                    O::IsNotEmpty,
                ],
                nulls,
            ],
        };
        parts.concat()
    }
}

impl From<CmpOp> for Operator {
    fn from(op: CmpOp) -> Self {
        match op {
            CmpOp::Eq => O::Eq,
            CmpOp::Ne => O::Ne,
            CmpOp::Lt => O::Lt,
            CmpOp::Le => O::Le,
            CmpOp::Gt => O::Gt,
            CmpOp::Ge => O::Ge,
        }
    }
}

/// Every attribute type, in the order the generated TypeScript lists them.
const ATTR_TYPES: [AttrType; 6] = [
    AttrType::Number,
    AttrType::String,
    AttrType::Enum,
    AttrType::Bool,
    AttrType::Date,
    AttrType::StringList,
];

/// The TypeScript module the visual builder imports: the operator and
/// value-shape types and the lists above as constants.
pub fn typescript_tables() -> String {
    let quoted = |words: &mut dyn Iterator<Item = &str>| {
        words.map(|w| format!("\"{w}\"")).collect::<Vec<_>>()
    };
    let list = |ops: &[Operator]| quoted(&mut ops.iter().map(|o| o.keyword())).join(", ");
    let mut out = String::from(
        "// Generated from crates/model/src/condition/operator.rs by `cargo test -p tailor-model`. Do not edit this file manually.\n\
         import type { AttrType } from \"./AttrType\";\n\n\
         /** A condition operator, as the text syntax writes it. */\n",
    );
    out += &format!(
        "export type Operator = {};\n\n",
        quoted(&mut Operator::ALL.iter().map(|o| o.keyword())).join(" | ")
    );
    out += "/** The value inputs an operator takes. */\n";
    out += &format!(
        "export type ValueShape = {};\n\n",
        quoted(&mut ValueShape::ALL.iter().map(|v| v.as_str())).join(" | ")
    );
    out += "/** Every operator, in the builder's order when the attribute's type is unknown. */\n";
    out += &format!(
        "export const ALL_OPERATORS: readonly Operator[] = [{}];\n\n",
        list(&Operator::ALL)
    );
    out += "/** The operators the builder offers for each attribute type, in order. */\n";
    out += "export const OPERATORS_BY_TYPE: Record<AttrType, readonly Operator[]> = {\n";
    for ty in ATTR_TYPES {
        out += &format!(
            "  {}: [{}],\n",
            ty.as_str(),
            list(&Operator::offered_for(ty))
        );
    }
    out += "};\n\n/** The value inputs each operator takes. */\nexport const VALUE_SHAPES: Record<Operator, ValueShape> = {\n";
    for op in Operator::ALL {
        out += &format!("  \"{}\": \"{}\",\n", op.keyword(), op.shape().as_str());
    }
    out += "};\n";
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn keywords_name_one_operator_each() {
        for op in Operator::ALL {
            assert_eq!(Operator::from_keyword(op.keyword()), Some(op));
        }
        assert_eq!(Operator::from_keyword("and"), None);
        let words: std::collections::HashSet<_> =
            Operator::ALL.iter().map(|o| o.keyword()).collect();
        assert_eq!(words.len(), Operator::ALL.len());
    }

    /// The stored JSON of a leaf names its operator the same way (for
    /// `compare`, in its `op` field).
    #[test]
    fn keywords_are_the_json_names_of_the_leaves() {
        let text = "a = 1 and b between 1 and 2 and c in [] and d not_in [] and e contains \"x\" and f contains_any [] \
                    and g contains_all [] and h starts_with \"x\" and i is_null and j is_not_null and k is_empty \
                    and l is_not_empty and m before \"2026-01-01\" and n after \"2026-01-01\" and o within_last 1 days";
        let Condition::And(leaves) = crate::condition::parse(text).unwrap() else {
            panic!("not an and")
        };
        for leaf in &leaves {
            let op = Operator::of(leaf).unwrap();
            let json = serde_json::to_value(leaf).unwrap();
            let (name, body) = json.as_object().unwrap().iter().next().unwrap();
            let name = if name == "compare" {
                body["op"].as_str().unwrap()
            } else {
                name.as_str()
            };
            assert_eq!(name, op.keyword(), "{leaf:?}");
        }
        assert_eq!(
            leaves.len(),
            Operator::ALL.len() - 5,
            "every word operator and `=`"
        );
    }

    #[test]
    fn every_offered_operator_applies_and_every_applicable_one_is_listed() {
        for ty in ATTR_TYPES {
            let offered = Operator::offered_for(ty);
            for op in &offered {
                assert!(
                    op.applies_to(ty),
                    "{op:?} is offered for {ty} but the type checker refuses it"
                );
            }
            let unique: std::collections::HashSet<_> = offered.iter().collect();
            assert_eq!(unique.len(), offered.len(), "{ty}: {offered:?}");
        }
        assert!(!Operator::IsEmpty.applies_to(AttrType::String));
        assert!(Operator::IsNotEmpty.applies_to(AttrType::StringList));
    }

    #[test]
    fn cmp_ops_map_to_their_symbols() {
        for op in [
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ] {
            assert_eq!(Operator::from(op).keyword(), op.symbol());
        }
    }

    /// Writes `operators.ts` beside the ts-rs bindings (`TS_RS_EXPORT_DIR`,
    /// set in `.cargo/config.toml`), so `make bindings-check` catches a
    /// committed copy that no longer matches this list.
    #[test]
    fn export_operator_tables_for_the_ui() {
        let dir = std::env::var_os("TS_RS_EXPORT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bindings"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("operators.ts");
        let text = typescript_tables();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).unwrap();
        }
    }
}
