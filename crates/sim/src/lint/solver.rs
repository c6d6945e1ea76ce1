//! Whether any shopper can match a condition, decided symbolically — no
//! sample shoppers needed — and, when one can, a **witness**: a shopper that
//! does.
//!
//! Lint asks it whether two segments overlap (`A and B`), so a tie between
//! entries is reported even when no sample shopper falls in the overlap.
//!
//! The semantics are the engine's (`tailor_engine::condition`,
//! docs/decision-semantics.md): two-valued logic, every test but
//! `is_null`/`is_not_null` is false on a missing value, so `not` of a test
//! means "missing, or present and the opposite". The solver pushes `not`
//! down to the leaves that way, turns each leaf into constraints on one
//! attribute, and searches the `or`s depth first, dropping branches that
//! contradict what is already known. Each attribute's constraints form a
//! domain that it decides exactly:
//!
//! - numbers: finite `f64`s in an interval (strict bounds move to the
//!   neighbouring float), minus excluded values, or within an `in` list;
//! - dates: days in an interval (`before`, `after`, `within_last` relative to
//!   `today`, `between`, comparisons), minus excluded days, or an `in` list;
//! - strings: an `in` list or excluded values, required and forbidden
//!   prefixes (`starts_with`); **enums with declared values range over those
//!   values only** (the schema's promise, which the editors keep), enums
//!   without declared values are strings;
//! - bools; string lists: required and forbidden members, empty or not
//!   (`is_empty` holds for a missing list too);
//! - every attribute: missing (null) or present.
//!
//! The answer is sound: [`Verdict::Satisfiable`] carries a witness the
//! engine accepts, [`Verdict::Unsatisfiable`] means the search covered every
//! case. [`Verdict::Unknown`] is given, claiming neither, when the condition
//! does not type-check against the schema or the search would take more than
//! [`MAX_STEPS`] branches (or nest deeper than [`MAX_DEPTH`]). Pure: no I/O.

use std::fmt;

use jiff::civil::Date;
use serde_json::Value as Json;
use tailor_engine::{Shopper, Value};
use tailor_model::condition::{CmpOp, Condition, Literal, parse_date, typecheck};
use tailor_model::{AttrType, Attribute, AttributeName, Schema};

/// Branches the search may try before it answers [`Verdict::Unknown`].
pub const MAX_STEPS: u32 = 20_000;
/// Nested `or` choices the search may stack before it answers
/// [`Verdict::Unknown`].
pub const MAX_DEPTH: u32 = 512;

/// What the solver concluded about a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Some shopper matches: this one.
    Satisfiable(Witness),
    /// No shopper matches.
    Unsatisfiable,
    /// Not decided; the reason, for messages and tests.
    Unknown(&'static str),
}

/// A shopper that matches, as the attributes the matching case constrains
/// (first-use order). Attributes not listed may take any value, missing
/// included; a listed [`Value::Null`] must be missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Witness {
    pub values: Vec<(AttributeName, Value)>,
}

impl Witness {
    /// The shopper as a JSON object (as in a decision request), without the
    /// attributes that must be missing.
    pub fn to_json(&self) -> serde_json::Map<String, Json> {
        self.values
            .iter()
            .filter(|(_, v)| *v != Value::Null)
            .map(|(name, v)| (name.as_str().to_owned(), to_json(v)))
            .collect()
    }

    /// The shopper in the engine's slot form for `schema`.
    pub fn shopper(&self, id: &str, schema: &Schema) -> Shopper {
        let mut values = vec![Value::Null; schema.attributes().len()];
        for (name, v) in &self.values {
            if let Some(slot) = schema.slot(name.as_str()) {
                values[slot] = v.clone();
            }
        }
        Shopper { id: id.to_owned(), values }
    }
}

/// `visitor_type = "returning", device = "mobile", email missing`; "any
/// shopper" when nothing is constrained.
impl fmt::Display for Witness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.values.is_empty() {
            return f.write_str("any shopper");
        }
        for (i, (name, v)) in self.values.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match v {
                Value::Null => write!(f, "{name} missing")?,
                v => write!(f, "{name} = {v}")?,
            }
        }
        Ok(())
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        // Whole numbers as JSON integers (`3`, not `3.0`), exactly representable ones only.
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Json::from(*n as i64),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.to_string()),
        Value::Date(d) => Json::String(d.to_string()),
        Value::List(items) => Json::Array(items.iter().map(|s| Json::String(s.to_string())).collect()),
    }
}

/// Decides whether some shopper of `schema` matches `condition` on `today`
/// (the day `within_last` counts back from).
pub fn satisfy(condition: &Condition, schema: &Schema, today: Date) -> Verdict {
    if !typecheck(condition, schema).is_empty() {
        return Verdict::Unknown("the condition does not type-check");
    }
    let mut solver = Solver { schema, today, vars: Vec::new(), steps: 0 };
    let formula = match solver.formula(condition, false) {
        Ok(f) => f,
        Err(why) => return Verdict::Unknown(why),
    };
    let state: Vec<Var> = solver.vars.iter().map(|a| Var::new(a)).collect();
    match solver.search(state, vec![&formula], 0) {
        Outcome::Sat(state) => Verdict::Satisfiable(solver.witness(&state)),
        Outcome::Unsat => Verdict::Unsatisfiable,
        Outcome::Unknown(why) => Verdict::Unknown(why),
    }
}

// ---------------------------------------------------------------------------
// Formulas: conditions with `not` pushed down to per-attribute atoms.

#[derive(Clone, Debug)]
enum F {
    True,
    False,
    And(Vec<F>),
    Or(Vec<F>),
    /// A constraint on the attribute with this variable index.
    Atom(usize, Atom),
}

#[derive(Clone, Debug)]
enum Atom {
    Null,
    NotNull,
    Number(Cmp<f64>),
    Date(Cmp<Date>),
    String(Text),
    Bool(bool),
    List(Members),
}

/// A constraint on an ordered value.
#[derive(Clone, Debug)]
enum Cmp<T> {
    /// Inclusive bounds; `None` is unbounded.
    Range(Option<T>, Option<T>),
    OneOf(Vec<T>),
    NoneOf(Vec<T>),
}

#[derive(Clone, Debug)]
enum Text {
    OneOf(Vec<String>),
    NoneOf(Vec<String>),
    Prefix(String),
    NoPrefix(String),
}

#[derive(Clone, Debug)]
enum Members {
    Has(String),
    Lacks(String),
    /// No items (`[]`).
    Empty,
    /// At least one item.
    NonEmpty,
}

/// Values with a least and greatest element and neighbours, so strict
/// bounds become inclusive ones and an interval can be walked.
trait Point: Copy + PartialOrd + fmt::Debug {
    const LOWEST: Self;
    const HIGHEST: Self;
    fn next(self) -> Option<Self>;
    fn prev(self) -> Option<Self>;
}

/// Shopper numbers are finite (JSON has no NaN or infinity).
impl Point for f64 {
    const LOWEST: Self = f64::MIN;
    const HIGHEST: Self = f64::MAX;
    fn next(self) -> Option<Self> {
        (self < f64::MAX).then(|| self.next_up())
    }
    fn prev(self) -> Option<Self> {
        (self > f64::MIN).then(|| self.next_down())
    }
}

impl Point for Date {
    const LOWEST: Self = Date::MIN;
    const HIGHEST: Self = Date::MAX;
    fn next(self) -> Option<Self> {
        self.tomorrow().ok()
    }
    fn prev(self) -> Option<Self> {
        self.yesterday().ok()
    }
}

/// Values up to `v` (inclusive or not), as a formula.
fn below<T: Point>(v: T, inclusive: bool, mk: &dyn Fn(Cmp<T>) -> F) -> F {
    let top = if inclusive { Some(v) } else { v.prev() };
    top.map_or(F::False, |t| mk(Cmp::Range(None, Some(t))))
}

fn above<T: Point>(v: T, inclusive: bool, mk: &dyn Fn(Cmp<T>) -> F) -> F {
    let bottom = if inclusive { Some(v) } else { v.next() };
    bottom.map_or(F::False, |b| mk(Cmp::Range(Some(b), None)))
}

/// A leaf over present values, and its complement over present values.
type Pair = (F, F);

fn compare<T: Point>(op: CmpOp, v: T, mk: &dyn Fn(Cmp<T>) -> F) -> Pair {
    match op {
        CmpOp::Eq => (mk(Cmp::OneOf(vec![v])), mk(Cmp::NoneOf(vec![v]))),
        CmpOp::Ne => (mk(Cmp::NoneOf(vec![v])), mk(Cmp::OneOf(vec![v]))),
        CmpOp::Lt => (below(v, false, mk), above(v, true, mk)),
        CmpOp::Le => (below(v, true, mk), above(v, false, mk)),
        CmpOp::Gt => (above(v, false, mk), below(v, true, mk)),
        CmpOp::Ge => (above(v, true, mk), below(v, false, mk)),
    }
}

fn between<T: Point>(low: T, high: T, mk: &dyn Fn(Cmp<T>) -> F) -> Pair {
    (mk(Cmp::Range(Some(low), Some(high))), F::Or(vec![below(low, false, mk), above(high, false, mk)]))
}

fn member<T: Point>(values: Vec<T>, negated: bool, mk: &dyn Fn(Cmp<T>) -> F) -> Pair {
    let (yes, no) = (mk(Cmp::OneOf(values.clone())), mk(Cmp::NoneOf(values)));
    if negated { (no, yes) } else { (yes, no) }
}

const TYPE_MISMATCH: &str = "an operator or literal the type checker should have refused";

fn number(l: &Literal) -> Result<f64, &'static str> {
    match l {
        Literal::Number(n) if n.is_finite() => Ok(*n),
        _ => Err(TYPE_MISMATCH),
    }
}

fn date(l: &Literal) -> Result<Date, &'static str> {
    match l {
        Literal::String(s) => parse_date(s).map_err(|_| TYPE_MISMATCH),
        _ => Err(TYPE_MISMATCH),
    }
}

fn string(l: &Literal) -> Result<String, &'static str> {
    match l {
        Literal::String(s) => Ok(s.clone()),
        _ => Err(TYPE_MISMATCH),
    }
}

fn boolean(l: &Literal) -> Result<bool, &'static str> {
    match l {
        Literal::Bool(b) => Ok(*b),
        _ => Err(TYPE_MISMATCH),
    }
}

struct Solver<'a> {
    schema: &'a Schema,
    today: Date,
    /// The attributes the condition reads, by variable index.
    vars: Vec<&'a Attribute>,
    steps: u32,
}

enum Outcome {
    Sat(Vec<Var>),
    Unsat,
    Unknown(&'static str),
}

impl<'a> Solver<'a> {
    fn var(&mut self, name: &AttributeName) -> Result<(usize, &'a Attribute), &'static str> {
        let attr = self.schema.get(name.as_str()).ok_or("an unknown attribute")?;
        let i = match self.vars.iter().position(|a| a.name == *name) {
            Some(i) => i,
            None => {
                self.vars.push(attr);
                self.vars.len() - 1
            }
        };
        Ok((i, attr))
    }

    /// The condition (negated or not) with `not` pushed down to atoms.
    fn formula(&mut self, c: &Condition, negated: bool) -> Result<F, &'static str> {
        Ok(match c {
            Condition::True => {
                if negated {
                    F::False
                } else {
                    F::True
                }
            }
            Condition::And(cs) | Condition::Or(cs) => {
                let parts = cs.iter().map(|c| self.formula(c, negated)).collect::<Result<Vec<_>, _>>()?;
                // De Morgan: a negated `and` is an `or` of negations and vice versa.
                if matches!(c, Condition::And(_)) != negated { F::And(parts) } else { F::Or(parts) }
            }
            Condition::Not(inner) => self.formula(inner, !negated)?,
            Condition::IsNull { attr } | Condition::IsNotNull { attr } => {
                let (v, _) = self.var(attr)?;
                let null = matches!(c, Condition::IsNull { .. }) != negated;
                F::Atom(v, if null { Atom::Null } else { Atom::NotNull })
            }
            // Null and `[]` alike are empty.
            Condition::IsEmpty { attr } | Condition::IsNotEmpty { attr } => {
                let (v, _) = self.var(attr)?;
                let list = |m: Members| F::Atom(v, Atom::List(m));
                if matches!(c, Condition::IsEmpty { .. }) != negated {
                    F::Or(vec![F::Atom(v, Atom::Null), F::And(vec![F::Atom(v, Atom::NotNull), list(Members::Empty)])])
                } else {
                    F::And(vec![F::Atom(v, Atom::NotNull), list(Members::NonEmpty)])
                }
            }
            leaf => {
                let name = leaf.attr().ok_or(TYPE_MISMATCH)?;
                let (v, attr) = self.var(name)?;
                let (yes, no) = self.leaf(leaf, v, attr)?;
                // False on a missing value, so its negation also holds when missing.
                if negated {
                    F::Or(vec![F::Atom(v, Atom::Null), F::And(vec![F::Atom(v, Atom::NotNull), no])])
                } else {
                    F::And(vec![F::Atom(v, Atom::NotNull), yes])
                }
            }
        })
    }

    /// A leaf that is false on missing values: what it requires of a present
    /// value, and what its negation requires of one.
    fn leaf(&self, c: &Condition, v: usize, attr: &Attribute) -> Result<Pair, &'static str> {
        use AttrType as T;
        let num = |c: Cmp<f64>| F::Atom(v, Atom::Number(c));
        let day = |c: Cmp<Date>| F::Atom(v, Atom::Date(c));
        let text = |t: Text| F::Atom(v, Atom::String(t));
        let flag = |b: bool| F::Atom(v, Atom::Bool(b));
        let has = |s: &String| F::Atom(v, Atom::List(Members::Has(s.clone())));
        let lacks = |s: &String| F::Atom(v, Atom::List(Members::Lacks(s.clone())));
        Ok(match (attr.ty, c) {
            (T::Number, Condition::Compare { op, value, .. }) => compare(*op, number(value)?, &num),
            (T::Number, Condition::Between { low, high, .. }) => between(number(low)?, number(high)?, &num),
            (T::Number, Condition::In { values, .. } | Condition::NotIn { values, .. }) => {
                let ns = values.iter().map(number).collect::<Result<Vec<_>, _>>()?;
                member(ns, matches!(c, Condition::NotIn { .. }), &num)
            }
            (T::Date, Condition::Compare { op, value, .. }) => compare(*op, date(value)?, &day),
            (T::Date, Condition::Between { low, high, .. }) => between(date(low)?, date(high)?, &day),
            (T::Date, Condition::In { values, .. } | Condition::NotIn { values, .. }) => {
                let ds = values.iter().map(date).collect::<Result<Vec<_>, _>>()?;
                member(ds, matches!(c, Condition::NotIn { .. }), &day)
            }
            (T::Date, Condition::Before { date, .. }) => compare(CmpOp::Lt, *date, &day),
            (T::Date, Condition::After { date, .. }) => compare(CmpOp::Gt, *date, &day),
            (T::Date, Condition::WithinLast { days, .. }) => {
                // As the engine: beyond jiff's range every past date qualifies.
                let from = jiff::Span::new()
                    .try_days(i64::from(*days))
                    .ok()
                    .and_then(|s| self.today.checked_sub(s).ok())
                    .unwrap_or(Date::MIN);
                between(from, self.today, &day)
            }
            (T::Bool, Condition::Compare { op: op @ (CmpOp::Eq | CmpOp::Ne), value, .. }) => {
                let b = boolean(value)? == (*op == CmpOp::Eq);
                (flag(b), flag(!b))
            }
            (T::Bool, Condition::In { values, .. } | Condition::NotIn { values, .. }) => {
                let bs = values.iter().map(boolean).collect::<Result<Vec<_>, _>>()?;
                let yes = F::Or(bs.iter().map(|b| flag(*b)).collect());
                let no = F::And(bs.iter().map(|b| flag(!b)).collect());
                if matches!(c, Condition::NotIn { .. }) { (no, yes) } else { (yes, no) }
            }
            (T::String | T::Enum, Condition::Compare { op: op @ (CmpOp::Eq | CmpOp::Ne), value, .. }) => {
                let s = vec![string(value)?];
                let (yes, no) = (text(Text::OneOf(s.clone())), text(Text::NoneOf(s)));
                if *op == CmpOp::Eq { (yes, no) } else { (no, yes) }
            }
            (T::String | T::Enum, Condition::In { values, .. } | Condition::NotIn { values, .. }) => {
                let ss = values.iter().map(string).collect::<Result<Vec<_>, _>>()?;
                let (yes, no) = (text(Text::OneOf(ss.clone())), text(Text::NoneOf(ss)));
                if matches!(c, Condition::NotIn { .. }) { (no, yes) } else { (yes, no) }
            }
            (T::String | T::Enum, Condition::StartsWith { value, .. }) => {
                (text(Text::Prefix(value.clone())), text(Text::NoPrefix(value.clone())))
            }
            (T::StringList, Condition::Contains { value, .. }) => (has(value), lacks(value)),
            (T::StringList, Condition::ContainsAny { values, .. }) => {
                (F::Or(values.iter().map(has).collect()), F::And(values.iter().map(lacks).collect()))
            }
            (T::StringList, Condition::ContainsAll { values, .. }) => {
                (F::And(values.iter().map(has).collect()), F::Or(values.iter().map(lacks).collect()))
            }
            _ => return Err(TYPE_MISMATCH),
        })
    }

    /// Depth-first search over the `or`s: atoms narrow the state, an `or`
    /// with one consistent branch is taken without branching, otherwise the
    /// one with fewest consistent branches is tried branch by branch.
    fn search<'f>(&mut self, mut state: Vec<Var>, mut todo: Vec<&'f F>, depth: u32) -> Outcome {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Outcome::Unknown("the search took too many steps");
        }
        if depth > MAX_DEPTH {
            return Outcome::Unknown("the search nested too deep");
        }
        let mut ors: Vec<&'f F> = Vec::new();
        loop {
            while let Some(f) = todo.pop() {
                match f {
                    F::True => {}
                    F::False => return Outcome::Unsat,
                    F::And(cs) => todo.extend(cs.iter().rev()),
                    F::Or(_) => ors.push(f),
                    F::Atom(v, atom) => {
                        if !state[*v].add(atom, self.vars[*v], self.today) {
                            return Outcome::Unsat;
                        }
                    }
                }
            }
            let mut best: Option<(usize, Vec<&'f F>)> = None;
            let mut i = 0;
            while i < ors.len() {
                let F::Or(cs) = ors[i] else { unreachable!("only `or`s are kept") };
                let open: Vec<&'f F> = cs.iter().filter(|c| self.consistent(&state, c)).collect();
                match open.len() {
                    0 => return Outcome::Unsat,
                    1 => {
                        todo.push(open[0]);
                        ors.swap_remove(i);
                    }
                    n => {
                        if best.as_ref().is_none_or(|(_, b)| n < b.len()) {
                            best = Some((i, open));
                        }
                        i += 1;
                    }
                }
            }
            if !todo.is_empty() {
                continue;
            }
            let Some((i, branches)) = best else { return Outcome::Sat(state) };
            ors.swap_remove(i);
            let mut unknown = None;
            for branch in branches {
                let mut next = ors.clone();
                next.push(branch);
                match self.search(state.clone(), next, depth + 1) {
                    Outcome::Sat(s) => return Outcome::Sat(s),
                    Outcome::Unknown(why) => unknown = Some(why),
                    Outcome::Unsat => {}
                }
            }
            return unknown.map_or(Outcome::Unsat, Outcome::Unknown);
        }
    }

    /// Whether a branch's own atoms (not those of nested `or`s) fit the state.
    fn consistent(&self, state: &[Var], f: &F) -> bool {
        match f {
            F::False => false,
            F::True | F::Or(_) => true,
            F::Atom(v, atom) => state[*v].clone().add(atom, self.vars[*v], self.today),
            F::And(cs) => {
                let mut state = state.to_vec();
                let mut stack: Vec<&F> = cs.iter().collect();
                while let Some(f) = stack.pop() {
                    match f {
                        F::False => return false,
                        F::True | F::Or(_) => {}
                        F::And(cs) => stack.extend(cs.iter()),
                        F::Atom(v, atom) => {
                            if !state[*v].add(atom, self.vars[*v], self.today) {
                                return false;
                            }
                        }
                    }
                }
                true
            }
        }
    }

    fn witness(&self, state: &[Var]) -> Witness {
        let values = state
            .iter()
            .zip(&self.vars)
            .filter_map(|(var, attr)| {
                let value = match var.present? {
                    false => Value::Null,
                    true => var.pick(attr, self.today).expect("a consistent domain has a value"),
                };
                Some((attr.name.clone(), value))
            })
            .collect();
        Witness { values }
    }
}

// ---------------------------------------------------------------------------
// Domains: what one attribute may still be.

#[derive(Clone, Debug)]
struct Var {
    /// `Some(true)`: present, `Some(false)`: missing, `None`: not constrained.
    present: Option<bool>,
    domain: Domain,
}

#[derive(Clone, Debug)]
enum Domain {
    Number(Ordered<f64>),
    Date(Ordered<Date>),
    String(Strings),
    /// Whether `false` and `true` are still allowed.
    Bool([bool; 2]),
    List(List),
}

impl Var {
    fn new(attr: &Attribute) -> Self {
        let domain = match attr.ty {
            AttrType::Number => Domain::Number(Ordered::new()),
            AttrType::Date => Domain::Date(Ordered::new()),
            AttrType::String | AttrType::Enum => Domain::String(Strings::default()),
            AttrType::Bool => Domain::Bool([true, true]),
            AttrType::StringList => Domain::List(List::default()),
        };
        Self { present: None, domain }
    }

    /// Adds the constraint; false when the attribute can no longer take any
    /// value (missing included, as the constraint allows).
    fn add(&mut self, atom: &Atom, attr: &Attribute, today: Date) -> bool {
        let present = !matches!(atom, Atom::Null);
        if self.present == Some(!present) {
            return false;
        }
        self.present = Some(present);
        let fits = match (atom, &mut self.domain) {
            (Atom::Null | Atom::NotNull, _) => true,
            (Atom::Number(c), Domain::Number(d)) => d.add(c),
            (Atom::Date(c), Domain::Date(d)) => d.add(c),
            (Atom::String(t), Domain::String(d)) => d.add(t),
            (Atom::Bool(b), Domain::Bool(allowed)) => {
                allowed[usize::from(!*b)] = false;
                true
            }
            (Atom::List(m), Domain::List(d)) => d.add(m),
            _ => false,
        };
        fits && (!present || self.pick(attr, today).is_some())
    }

    /// A value the domain allows, preferring plain ones; `None` when empty.
    fn pick(&self, attr: &Attribute, today: Date) -> Option<Value> {
        match &self.domain {
            Domain::Number(d) => d.pick_number().map(|n| Value::Number(n + 0.0)),
            Domain::Date(d) => d.pick(&[], today).map(Value::Date),
            Domain::String(d) => {
                let declared: &[String] = if attr.ty == AttrType::Enum { &attr.values } else { &[] };
                d.pick(declared).map(|s| Value::String(s.into()))
            }
            Domain::Bool([f, t]) => match (f, t) {
                (_, true) => Some(Value::Bool(true)),
                (true, false) => Some(Value::Bool(false)),
                (false, false) => None,
            },
            Domain::List(d) => d.pick().map(|items| Value::List(items.into_iter().map(Into::into).collect())),
        }
    }
}

/// Numbers or dates: an inclusive interval, an optional list the value
/// must be in, and values it must not be.
#[derive(Clone, Debug)]
struct Ordered<T> {
    low: T,
    high: T,
    one_of: Option<Vec<T>>,
    none_of: Vec<T>,
}

impl<T: Point> Ordered<T> {
    fn new() -> Self {
        Self { low: T::LOWEST, high: T::HIGHEST, one_of: None, none_of: Vec::new() }
    }

    fn add(&mut self, c: &Cmp<T>) -> bool {
        match c {
            Cmp::Range(low, high) => {
                if let Some(l) = low.filter(|l| *l > self.low) {
                    self.low = l;
                }
                if let Some(h) = high.filter(|h| *h < self.high) {
                    self.high = h;
                }
            }
            Cmp::OneOf(vs) => {
                let kept = match self.one_of.take() {
                    None => vs.clone(),
                    Some(old) => old.into_iter().filter(|x| vs.contains(x)).collect(),
                };
                self.one_of = Some(kept);
            }
            Cmp::NoneOf(vs) => self.none_of.extend(vs),
        }
        true
    }

    fn allows(&self, v: T) -> bool {
        self.low <= v && v <= self.high && !self.none_of.contains(&v)
    }

    /// The first of `nice` allowed, else the allowed value nearest `anchor`.
    /// Exact: walking k + 1 values each way from the anchor either meets one
    /// of k excluded values' gaps or covers the whole interval.
    fn pick(&self, nice: &[T], anchor: T) -> Option<T> {
        if let Some(list) = &self.one_of {
            return list.iter().copied().find(|v| self.allows(*v));
        }
        if self.low > self.high {
            return None;
        }
        if let Some(v) = nice.iter().copied().find(|v| self.allows(*v)) {
            return Some(v);
        }
        let start = if anchor < self.low {
            self.low
        } else if anchor > self.high {
            self.high
        } else {
            anchor
        };
        let tries = self.none_of.len() + 1;
        let up = std::iter::successors(Some(start), |v| v.next()).take_while(|v| *v <= self.high).take(tries);
        let down = std::iter::successors(start.prev(), |v| v.prev()).take_while(|v| *v >= self.low).take(tries);
        up.chain(down).find(|v| self.allows(*v))
    }
}

impl Ordered<f64> {
    /// Prefers whole numbers, then short decimals, nearest 0.
    fn pick_number(&self) -> Option<f64> {
        if self.low > self.high {
            return None;
        }
        let start = 0.0f64.clamp(self.low, self.high);
        let mut nice = Vec::new();
        for i in 0..=self.none_of.len().min(16) {
            let i = i as f64;
            nice.extend([start.ceil() + i, start.floor() - i]);
        }
        for scale in [10.0, 100.0, 1000.0] {
            nice.extend([(start * scale).ceil() / scale, (start * scale).floor() / scale]);
        }
        nice.push(self.low / 2.0 + self.high / 2.0);
        nice.retain(|n| n.is_finite());
        self.pick(&nice, start)
    }
}

#[derive(Clone, Debug, Default)]
struct Strings {
    one_of: Option<Vec<String>>,
    none_of: Vec<String>,
    prefixes: Vec<String>,
    no_prefixes: Vec<String>,
}

impl Strings {
    fn add(&mut self, t: &Text) -> bool {
        match t {
            Text::OneOf(vs) => {
                let kept = match self.one_of.take() {
                    None => vs.clone(),
                    Some(old) => old.into_iter().filter(|x| vs.contains(x)).collect(),
                };
                self.one_of = Some(kept);
            }
            Text::NoneOf(vs) => self.none_of.extend(vs.iter().cloned()),
            Text::Prefix(p) => self.prefixes.push(p.clone()),
            Text::NoPrefix(p) => self.no_prefixes.push(p.clone()),
        }
        true
    }

    fn allows(&self, s: &str) -> bool {
        !self.none_of.iter().any(|x| x == s)
            && self.prefixes.iter().all(|p| s.starts_with(p.as_str()))
            && !self.no_prefixes.iter().any(|p| s.starts_with(p.as_str()))
    }

    /// An allowed string; among `declared` (an enum's values) when given.
    /// Otherwise the longest required prefix P, `P + "other"`, or P and one
    /// more character: a forbidden prefix or an excluded value rules out at
    /// most one such character, so trying one more than there are of them
    /// is exact.
    fn pick(&self, declared: &[String]) -> Option<String> {
        let in_domain = |s: &&String| declared.is_empty() || declared.contains(s);
        if let Some(list) = &self.one_of {
            return list.iter().filter(in_domain).find(|s| self.allows(s)).cloned();
        }
        if !declared.is_empty() {
            return declared.iter().find(|s| self.allows(s)).cloned();
        }
        let p = self.prefixes.iter().max_by_key(|p| p.len()).map_or("", String::as_str);
        let tries = self.none_of.len() + self.no_prefixes.len() + 1;
        let extra = (0x61u32..).filter_map(char::from_u32).take(tries).map(|c| format!("{p}{c}"));
        // The empty string is left for last: editors show it as missing.
        let nice = [p.to_owned(), format!("{p}other")].into_iter().filter(|s| !s.is_empty());
        nice.chain(extra).chain([String::new()]).find(|s| self.allows(s))
    }
}

#[derive(Clone, Debug, Default)]
struct List {
    has: Vec<String>,
    lacks: Vec<String>,
    empty: bool,
    non_empty: bool,
}

impl List {
    fn add(&mut self, m: &Members) -> bool {
        let (to, name) = match m {
            Members::Has(s) => (&mut self.has, s),
            Members::Lacks(s) => (&mut self.lacks, s),
            Members::Empty => {
                self.empty = true;
                return true;
            }
            Members::NonEmpty => {
                self.non_empty = true;
                return true;
            }
        };
        if !to.contains(name) {
            to.push(name.clone());
        }
        true
    }

    /// The required items; one more, not forbidden, when it must not be empty.
    fn pick(&self) -> Option<Vec<String>> {
        if self.has.iter().any(|s| self.lacks.contains(s)) {
            return None;
        }
        if self.empty {
            return (self.has.is_empty() && !self.non_empty).then(Vec::new);
        }
        let mut items = self.has.clone();
        if self.non_empty && items.is_empty() {
            let fresh = Strings { none_of: self.lacks.clone(), ..Strings::default() };
            items.push(fresh.pick(&[])?);
        }
        Some(items)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;
    use tailor_engine::{CompiledCondition, shopper_from_json};
    use tailor_model::condition::parse;

    use super::*;

    const TODAY: Date = Date::constant(2026, 3, 15);

    /// Every attribute type, an enum with declared values and one without.
    fn schema() -> Schema {
        let mut visitor_type = Attribute::new("visitor_type", AttrType::Enum);
        visitor_type.values = vec!["new".into(), "returning".into(), "other".into()];
        Schema::new(vec![
            visitor_type,
            Attribute::new("channel", AttrType::Enum),
            Attribute::new("vip", AttrType::Bool),
            Attribute::new("price", AttrType::Number),
            Attribute::new("device", AttrType::String),
            Attribute::new("last_order", AttrType::Date),
            Attribute::new("viewed", AttrType::StringList),
        ])
    }

    fn solve(text: &str) -> Verdict {
        let c = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        satisfy(&c, &schema(), TODAY)
    }

    /// The witness, after checking that the engine accepts it.
    #[track_caller]
    fn witness(text: &str) -> Witness {
        let Verdict::Satisfiable(w) = solve(text) else { panic!("{text}: {:?}", solve(text)) };
        let c = CompiledCondition::compile(&parse(text).unwrap(), &schema()).unwrap();
        assert!(c.matches(&w.shopper("w", &schema()), TODAY), "{text}: {w}");
        w
    }

    #[track_caller]
    fn unsat(text: &str) {
        assert_eq!(solve(text), Verdict::Unsatisfiable, "{text}");
    }

    #[test]
    fn contradicting_number_bounds_are_unsatisfiable() {
        unsat("price > 10 and price < 5");
        unsat("price between 5 and 4");
        unsat("price >= 10 and price < 10");
        unsat("price in [1, 2] and price not_in [2, 1]");
        unsat("price = 0 and price != -0");
        // No float lies strictly between 1 and the next one.
        unsat("price > 1 and price < 1.0000000000000002");
        assert_eq!(witness("price > 1 and price < 1.0000000000000004").to_string(), "price = 1.0000000000000002");
    }

    #[test]
    fn numbers_come_out_plain() {
        assert_eq!(witness("price > 10").to_string(), "price = 11");
        assert_eq!(witness("price < 5").to_string(), "price = 0");
        assert_eq!(witness("price > 10 and price != 11 and price != 12").to_string(), "price = 13");
        assert_eq!(witness("price > 0.5 and price < 0.7").to_string(), "price = 0.6");
        assert_eq!(witness("price between -3 and -2").to_string(), "price = -2");
        assert_eq!(witness("price in [7, 8] and price > 7").to_string(), "price = 8");
    }

    #[test]
    fn a_value_and_its_negation_cannot_both_hold() {
        unsat(r#"device = "mobile" and device != "mobile""#);
        unsat(r#"device = "mobile" and not device = "mobile""#);
        unsat(r#"device in ["a", "b"] and device not_in ["a", "b"]"#);
        // `!=` needs a value; its negation also holds when the value is missing.
        assert_eq!(witness(r#"device != "mobile""#).to_string(), r#"device = "other""#);
        assert_eq!(witness(r#"not device = "mobile""#).to_string(), "device missing");
        unsat(r#"device is_null and device != "mobile""#);
    }

    #[test]
    fn list_members_required_and_forbidden() {
        unsat(r#"viewed contains "running" and not viewed contains "running""#);
        unsat(r#"viewed contains_all ["a", "b"] and not viewed contains_any ["b"]"#);
        unsat("viewed contains_any []");
        let w = witness(r#"viewed contains "running" and viewed contains "socks" and not viewed contains "hats""#);
        assert_eq!(w.to_string(), r#"viewed = ["running", "socks"]"#);
        assert_eq!(
            witness(r#"viewed contains "running" and not viewed contains_all ["running", "socks"]"#).to_string(),
            r#"viewed = ["running"]"#
        );
        // `not contains` holds for a missing list, `contains_all []` needs one.
        assert_eq!(witness(r#"not viewed contains "x""#).to_string(), "viewed missing");
        assert_eq!(witness("viewed contains_all []").to_string(), "viewed = []");
    }

    #[test]
    fn emptiness_counts_a_missing_list_as_empty() {
        unsat(r#"viewed is_empty and viewed contains "x""#);
        unsat("viewed is_empty and viewed is_not_empty");
        unsat("viewed is_not_empty and viewed is_null");
        assert_eq!(witness("viewed is_empty").to_string(), "viewed missing");
        assert_eq!(witness("viewed is_empty and viewed is_not_null").to_string(), "viewed = []");
        assert_eq!(
            witness(r#"viewed is_not_empty and not viewed contains_any ["other"]"#).to_string(),
            r#"viewed = ["a"]"#
        );
        assert_eq!(witness("not viewed is_empty").to_string(), r#"viewed = ["other"]"#);
    }

    #[test]
    fn enums_range_over_their_declared_values() {
        unsat(r#"visitor_type not_in ["new", "returning", "other"]"#);
        assert_eq!(
            witness(r#"visitor_type != "new" and visitor_type != "other""#).to_string(),
            r#"visitor_type = "returning""#
        );
        assert_eq!(witness("visitor_type is_not_null").to_string(), r#"visitor_type = "new""#);
        // Without declared values an enum is any string.
        assert_eq!(witness(r#"channel not_in ["other", "ads"]"#).to_string(), r#"channel = "a""#);
    }

    #[test]
    fn prefixes_must_agree() {
        unsat(r#"device starts_with "mob" and device starts_with "desk""#);
        unsat(r#"device starts_with "mobile" and not device starts_with "mob""#);
        unsat(r#"device = "tablet" and device starts_with "mob""#);
        assert_eq!(
            witness(r#"device starts_with "mob" and device starts_with "mobile""#).to_string(),
            r#"device = "mobile""#
        );
        let w = witness(
            r#"device starts_with "m" and device != "m" and not device starts_with "mo" and device != "mother""#,
        );
        assert_eq!(w.to_string(), r#"device = "ma""#);
    }

    #[test]
    fn dates_by_ranges_and_the_evaluation_day() {
        unsat(r#"last_order within_last 7 days and last_order before "2026-03-08""#);
        unsat(r#"last_order after "2026-03-01" and last_order before "2026-03-02""#);
        assert_eq!(witness("last_order within_last 7 days").to_string(), "last_order = 2026-03-15");
        assert_eq!(witness(r#"last_order before "2026-01-01""#).to_string(), "last_order = 2025-12-31");
        assert_eq!(
            witness(r#"last_order after "2026-03-01" and last_order before "2026-03-03""#).to_string(),
            "last_order = 2026-03-02"
        );
        assert_eq!(
            witness(r#"last_order within_last 2 days and last_order not_in ["2026-03-15", "2026-03-14"]"#).to_string(),
            "last_order = 2026-03-13"
        );
        // Outside jiff's span every past date is within the last N days.
        witness(r#"last_order within_last 4294967295 days and last_order < "1000-01-01""#);
    }

    #[test]
    fn bools_and_nulls() {
        unsat("vip = true and vip != true");
        unsat("vip in []");
        unsat("vip not_in [true, false]");
        unsat("vip is_null and vip is_not_null");
        unsat("not ()");
        assert_eq!(witness("not vip in [true, false]").to_string(), "vip missing");
        assert_eq!(witness("vip != true").to_string(), "vip = false");
        assert_eq!(witness("").to_string(), "any shopper");
    }

    #[test]
    fn or_branches_are_searched() {
        let w = witness(r#"(price > 10 or device = "mobile") and (price < 5 or vip = true) and not vip = true"#);
        assert_eq!(w.to_string(), r#"price = 0, device = "mobile", vip missing"#);
        unsat(r#"(price > 10 or price < 0) and price between 0 and 10 and not price = 0"#);
    }

    #[test]
    fn the_witness_reads_like_the_issue_example() {
        let w = witness(r#"visitor_type = "returning" and device = "mobile" and viewed contains "running""#);
        assert_eq!(w.to_string(), r#"visitor_type = "returning", device = "mobile", viewed = ["running"]"#);
        assert_eq!(
            serde_json::Value::Object(w.to_json()),
            json!({"visitor_type": "returning", "device": "mobile", "viewed": ["running"]})
        );
        assert_eq!(serde_json::Value::Object(witness("price = 2.5 and vip is_null").to_json()), json!({"price": 2.5}));
    }

    #[test]
    fn undecided_conditions_are_unknown() {
        assert!(matches!(solve("nope is_null"), Verdict::Unknown(_)));
        assert!(matches!(solve(r#"price = "x""#), Verdict::Unknown(_)));
        // A search that runs out of steps claims neither way.
        let c = parse(r#"(price = 1 or vip = true) and (device = "a" or last_order is_null)"#).unwrap();
        let schema = schema();
        let mut solver = Solver { schema: &schema, today: TODAY, vars: Vec::new(), steps: MAX_STEPS };
        let f = solver.formula(&c, false).unwrap();
        let state = solver.vars.iter().map(|a| Var::new(a)).collect();
        assert!(matches!(solver.search(state, vec![&f], 0), Outcome::Unknown(_)));
    }

    // ------------------------------------------------------------------
    // Generated condition pairs against the engine.

    const TYPES: [&str; 3] = ["new", "returning", "other"];
    const CHANNELS: [&str; 3] = ["ads", "mail", "a"];
    const DEVICES: [&str; 4] = ["mobile", "mob", "desktop", ""];
    const CATEGORIES: [&str; 3] = ["running", "socks", "hats"];
    const DATES: [&str; 5] = ["2026-03-15", "2026-03-14", "2026-03-01", "2026-02-01", "2026-03-20"];

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
        prop::sample::select(options).prop_map(String::from)
    }

    fn num() -> impl Strategy<Value = f64> + Clone {
        (-4i32..=4).prop_map(|n| f64::from(n) / 2.0)
    }

    /// A sample shopper over the same small domains, each value missing one
    /// time in five.
    fn sample() -> impl Strategy<Value = serde_json::Map<String, Json>> {
        let maybe = |s: BoxedStrategy<Json>| prop::option::weighted(0.8, s);
        (
            maybe(pick(&TYPES).prop_map(Json::from).boxed()),
            maybe(pick(&CHANNELS).prop_map(Json::from).boxed()),
            maybe(any::<bool>().prop_map(Json::from).boxed()),
            maybe(num().prop_map(|n| json!(n)).boxed()),
            maybe(pick(&DEVICES).prop_map(Json::from).boxed()),
            maybe(pick(&DATES).prop_map(Json::from).boxed()),
            maybe(prop::collection::vec(pick(&CATEGORIES), 0..3).prop_map(Json::from).boxed()),
        )
            .prop_map(|(t, c, v, p, d, l, w)| {
                let names = ["visitor_type", "channel", "vip", "price", "device", "last_order", "viewed"];
                names.into_iter().zip([t, c, v, p, d, l, w]).filter_map(|(n, v)| Some((n.to_owned(), v?))).collect()
            })
    }

    fn leaf() -> impl Strategy<Value = Condition> {
        let a = |n: &str| AttributeName::from(n);
        let op = prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
        let eq = prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne]);
        let number = num().prop_map(Literal::Number);
        let text = |o: &'static [&'static str]| pick(o).prop_map(Literal::String);
        let day = pick(&DATES).prop_map(|s| s.parse::<Date>().unwrap());
        let strs = |o: &'static [&'static str]| prop::collection::vec(pick(o), 0..3);
        let lits = |s: BoxedStrategy<Literal>| prop::collection::vec(s, 0..4);
        let names = ["visitor_type", "channel", "vip", "price", "device", "last_order", "viewed"];
        prop_oneof![
            (op.clone(), number.clone()).prop_map(move |(op, value)| Condition::Compare {
                attr: a("price"),
                op,
                value
            }),
            (op, text(&DATES)).prop_map(move |(op, value)| Condition::Compare { attr: a("last_order"), op, value }),
            (eq.clone(), text(&TYPES)).prop_map(move |(op, value)| Condition::Compare {
                attr: a("visitor_type"),
                op,
                value
            }),
            (eq.clone(), text(&CHANNELS)).prop_map(move |(op, value)| Condition::Compare {
                attr: a("channel"),
                op,
                value
            }),
            (eq.clone(), text(&DEVICES)).prop_map(move |(op, value)| Condition::Compare {
                attr: a("device"),
                op,
                value
            }),
            (eq, any::<bool>()).prop_map(move |(op, b)| Condition::Compare {
                attr: a("vip"),
                op,
                value: Literal::Bool(b)
            }),
            (number.clone(), number.clone()).prop_map(move |(low, high)| Condition::Between {
                attr: a("price"),
                low,
                high
            }),
            (text(&DATES), text(&DATES)).prop_map(move |(low, high)| Condition::Between {
                attr: a("last_order"),
                low,
                high
            }),
            (any::<bool>(), lits(number.boxed())).prop_map(move |(not, values)| in_or_not(a("price"), not, values)),
            (any::<bool>(), lits(text(&TYPES).boxed())).prop_map(move |(not, values)| in_or_not(
                a("visitor_type"),
                not,
                values
            )),
            (any::<bool>(), lits(text(&CHANNELS).boxed())).prop_map(move |(not, values)| in_or_not(
                a("channel"),
                not,
                values
            )),
            (any::<bool>(), lits(text(&DEVICES).boxed())).prop_map(move |(not, values)| in_or_not(
                a("device"),
                not,
                values
            )),
            (any::<bool>(), lits(any::<bool>().prop_map(Literal::Bool).boxed()))
                .prop_map(move |(not, values)| in_or_not(a("vip"), not, values)),
            (any::<bool>(), lits(text(&DATES).boxed())).prop_map(move |(not, values)| in_or_not(
                a("last_order"),
                not,
                values
            )),
            pick(&CATEGORIES).prop_map(move |value| Condition::Contains { attr: a("viewed"), value }),
            strs(&CATEGORIES).prop_map(move |values| Condition::ContainsAny { attr: a("viewed"), values }),
            strs(&CATEGORIES).prop_map(move |values| Condition::ContainsAll { attr: a("viewed"), values }),
            pick(&DEVICES).prop_map(move |value| Condition::StartsWith { attr: a("device"), value }),
            pick(&TYPES)
                .prop_map(move |value| Condition::StartsWith { attr: a("visitor_type"), value: value[..2].into() }),
            pick(&CHANNELS).prop_map(move |value| Condition::StartsWith { attr: a("channel"), value }),
            (prop::sample::select(names.to_vec()), any::<bool>()).prop_map(|(name, not)| {
                let attr = AttributeName::from(name);
                if not { Condition::IsNotNull { attr } } else { Condition::IsNull { attr } }
            }),
            any::<bool>().prop_map(move |not| {
                if not { Condition::IsNotEmpty { attr: a("viewed") } } else { Condition::IsEmpty { attr: a("viewed") } }
            }),
            day.clone().prop_map(move |date| Condition::Before { attr: a("last_order"), date }),
            day.prop_map(move |date| Condition::After { attr: a("last_order"), date }),
            (0u32..40).prop_map(move |days| Condition::WithinLast { attr: a("last_order"), days }),
        ]
    }

    fn in_or_not(attr: AttributeName, not: bool, values: Vec<Literal>) -> Condition {
        if not { Condition::NotIn { attr, values } } else { Condition::In { attr, values } }
    }

    fn condition() -> impl Strategy<Value = Condition> {
        prop_oneof![1 => Just(Condition::True), 10 => leaf()].prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::And),
                prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::Or),
                inner.prop_map(|c| Condition::Not(Box::new(c))),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The witness matches both conditions in the engine, in slot form
        /// and through its JSON; and when a sample shopper matches both, the
        /// solver finds them satisfiable.
        #[test]
        fn the_solver_agrees_with_the_engine(
            a in condition(),
            b in condition(),
            samples in prop::collection::vec(sample(), 0..24),
        ) {
            let schema = schema();
            let both = Condition::And(vec![a.clone(), b.clone()]);
            let (ca, cb) = (CompiledCondition::compile(&a, &schema).unwrap(), CompiledCondition::compile(&b, &schema).unwrap());
            let verdict = satisfy(&both, &schema, TODAY);
            match &verdict {
                Verdict::Satisfiable(w) => {
                    let shopper = w.shopper("w", &schema);
                    prop_assert!(ca.matches(&shopper, TODAY) && cb.matches(&shopper, TODAY), "{w} for {a:?} and {b:?}");
                    let from_json = shopper_from_json("w", &w.to_json(), &schema).unwrap();
                    prop_assert_eq!(&from_json, &shopper);
                }
                Verdict::Unsatisfiable => {}
                Verdict::Unknown(why) => prop_assert!(false, "unknown ({why}) for {a:?} and {b:?}"),
            }
            for obj in &samples {
                let s = shopper_from_json("s", obj, &schema).unwrap();
                if ca.matches(&s, TODAY) && cb.matches(&s, TODAY) {
                    prop_assert!(matches!(verdict, Verdict::Satisfiable(_)), "{obj:?} matches {a:?} and {b:?}, solver: {verdict:?}");
                }
            }
        }
    }
}
