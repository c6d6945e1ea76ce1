//! Tailor's workspace file: one SQLite database (WAL, foreign keys, a Tailor
//! `application_id`, embedded migrations) holding attributes, segments, sample
//! shoppers and the change log.
//!
//! Every mutation goes through [`Workspace::transact`], which records each
//! entity's before/after state: that one path gives undo/redo, per-item
//! history and the audit trail, and refuses writes based on a stale revision.
//! SQL stays in this crate; the app and the CLI call these functions.

mod authoring;
mod catalog;
mod catalog_formats;
mod collab;
mod entities;
mod examples;
mod events;
mod error;
mod import;
mod import_parquet;
mod log;
mod plan;
mod published;
mod runs;
mod shoppers;
mod spec;
pub mod types;
mod workspace;

#[cfg(test)]
mod tests;

pub use examples::{EXAMPLES, Example, example_names, load_example};
pub use authoring::{CATALOG_SORTS, CatalogPage};
pub use catalog::{CATALOG_FIELDS, CatalogFormat, CatalogImportReport};
pub use entities::{check_condition, validate_attribute, validate_segment};
pub use error::{Result, StoreError, condition_position};
pub use import::{ImportControl, attribute_name};
pub use collab::{Base, BaseSource, ConflictRow, Resolution};
pub use log::{Expect, Tx};
pub use events::EventSet;
pub use runs::{Environment, SavedSimulation};
pub use published::{PublishKind, PublishedBundle};
pub use plan::{Entity, Versioned, check_snapshot};
pub use spec::{ApplyReport, segment_from_spec};
pub use workspace::{APPLICATION_ID, Workspace, schema_version};
