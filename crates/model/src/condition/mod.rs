//! The condition language (DESIGN §4).
//!
//! The canonical form is the JSON AST below ([`Condition`]); the text syntax is
//! a human view of it that round-trips: `parse(print(ast)) == ast`.

mod ast;
pub use ast::*;
