//! The condition language (DESIGN §4).
//!
//! The canonical form is the JSON AST below ([`Condition`]); the text syntax is
//! a human view of it that round-trips: `parse(print(ast)) == ast` for every
//! [normalised](Condition::normalize) AST whose attribute names are
//! identifiers ([`is_attribute_name`]).
//!
//! - [`parse`] / [`parse_with_source_map`]: text → AST (syntax errors only),
//! - [`print`] (or `Display`): AST → text,
//! - [`typecheck`]: AST against a [`Schema`](crate::Schema),
//! - [`Operator`]: the operators, their keywords and the types they apply to,
//! - [`parse_checked`]: both, with every error positioned in the text.

mod ast;
mod operator;
mod parser;
mod printer;
mod typecheck;

pub use ast::*;
pub use operator::{Operator, ValueShape, typescript_tables};
pub use parser::{
    KEYWORDS, MAX_DEPTH, ParseError, SourceMap, Span, is_attribute_name, line_column, parse,
    parse_date, parse_with_source_map,
};
pub use printer::{print, write_number, write_string};
pub use typecheck::{ConditionError, ConditionErrorKind, Part, TypeError, parse_checked, typecheck};
