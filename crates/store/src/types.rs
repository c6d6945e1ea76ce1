//! Records the store hands out: what the app, the CLI and tests see.
//! Each derives `ts_rs::TS`, so the UI's IPC types come from here.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tailor_model::{AttrType, Attribute, Segment};
use ts_rs::TS;

/// Summary of the open workspace.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceInfo {
    pub path: String,
    pub name: String,
    pub workspace_id: String,
    pub shopper_count: u64,
    pub attribute_count: u64,
    pub segment_count: u64,
    /// Summary of the change Ctrl+Z would undo, if any.
    #[ts(optional)]
    pub undo: Option<String>,
    /// Summary of the change Ctrl+Shift+Z would redo, if any.
    #[ts(optional)]
    pub redo: Option<String>,
}

/// An attribute with its revision (for stale-write detection).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttributeRow {
    pub attribute: Attribute,
    #[ts(type = "number")]
    pub revision: i64,
}

/// A segment with its revision and its condition in text form.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentRow {
    pub segment: Segment,
    #[ts(type = "number")]
    pub revision: i64,
    pub condition_text: String,
}

/// One page of sample shoppers, values as JSON keyed by attribute name.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShopperPage {
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<ShopperRow>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShopperRow {
    pub id: String,
    #[ts(type = "Record<string, unknown>")]
    pub values: serde_json::Map<String, Json>,
}

/// How a shopper import reads its file.
#[derive(Clone, Debug, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportOptions {
    /// Column holding the shopper id; row numbers are used when absent.
    #[serde(default)]
    #[ts(optional)]
    pub id_column: Option<String>,
}

/// What an import would do (dry run) or did.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub file: String,
    pub format: ImportFormat,
    #[ts(type = "number")]
    pub rows: u64,
    pub columns: Vec<ColumnPlan>,
    /// First rows as they will be stored, for the preview.
    pub sample: Vec<ShopperRow>,
    /// True when nothing was written.
    pub dry_run: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportFormat {
    Csv,
    Jsonl,
    Parquet,
}

/// One input column and the attribute it lands in.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ColumnPlan {
    pub column: String,
    pub attribute: String,
    #[serde(rename = "type")]
    pub ty: AttrType,
    /// True when the attribute already exists (values are mapped onto it).
    pub existing: bool,
    /// Enum-like distinct values seen (up to a few), for the preview.
    pub sample_values: Vec<String>,
}

/// One row of the change log.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    #[ts(type = "number")]
    pub txn: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub author: String,
    pub summary: String,
    pub kind: TxnKind,
    /// For edits: whether the change is currently applied or undone.
    #[ts(optional)]
    pub state: Option<TxnState>,
    #[ts(type = "number")]
    pub change_count: u64,
    /// The first changes of the transaction (all of them for small ones).
    pub changes: Vec<ChangeRecord>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TxnKind {
    Edit,
    Undo,
    Redo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TxnState {
    Applied,
    Undone,
    /// Undone, then superseded by a new edit: can no longer be redone.
    Discarded,
}

/// One entity's before/after in a transaction.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangeRecord {
    pub entity: EntityKind,
    pub entity_id: String,
    #[ts(type = "unknown")]
    pub before: Option<Json>,
    #[ts(type = "unknown")]
    pub after: Option<Json>,
}

/// The kinds of entity the change log tracks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntityKind {
    Attribute,
    Segment,
    Shopper,
    Setting,
    Stage,
    PageType,
    Content,
    Campaign,
    Entry,
    Product,
    Persona,
    /// Per environment, the bundle this workspace last published or pulled.
    Base,
    /// A merge conflict kept until it is resolved.
    Conflict,
}

/// A distinct value of an attribute in the sample data, with its count.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ValueCount {
    pub value: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// A workspace opened recently (kept by the app, not in the workspace).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentWorkspace {
    pub path: String,
    pub name: String,
    pub opened_at: String,
}

/// An error as the UI shows it: a kind to branch on, a sentence to show, and
/// where in a condition's text it is when it is about a condition.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
    #[ts(optional)]
    pub position: Option<TextPosition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    /// A write based on a stale revision: reload and retry.
    Conflict,
    NotFound,
    AlreadyExists,
    /// Input that fails validation (condition, name, value, import row).
    Invalid,
    NotAWorkspace,
    TooNew,
    NoWorkspace,
    /// The user stopped it; nothing was written.
    Cancelled,
    Io,
    Internal,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TextPosition {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
    pub end: u32,
}

/// Live reach of a condition plus example matching shoppers.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReachReport {
    #[ts(type = "number")]
    pub matched: u64,
    #[ts(type = "number")]
    pub total: u64,
    pub share: f64,
    pub examples: Vec<ShopperRow>,
}
