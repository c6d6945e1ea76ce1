//! Tailor's domain model: the types every other crate speaks (attributes,
//! segments, shoppers' values), their validation, and the condition language
//! (JSON AST, text syntax, printer, type checker).
//!
//! This crate does no I/O and knows nothing of SQLite, HTTP or Tauri. Types
//! that cross the IPC boundary derive `ts_rs::TS`; `cargo test -p tailor-model`
//! regenerates `ui/src/bindings/`.

pub mod attribute;
pub mod condition;
pub mod persona;
pub mod plan;
pub mod segment;
pub mod spec;

pub use attribute::{AttrType, Attribute, AttributeName, Schema};
pub use condition::Condition;
pub use segment::{Segment, SegmentName};
