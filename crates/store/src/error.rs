use std::path::PathBuf;

use crate::types::{EntityKind, ErrorKind, ErrorReport, TextPosition};

/// Everything that can go wrong in the store, naming the entity, file, row
/// or position involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a Tailor workspace{reason}")]
    NotAWorkspace { path: PathBuf, reason: String },
    #[error(
        "{path} was written by a newer version of Tailor (schema {found}, this version knows up to {known}); it was not modified"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("{path} already exists")]
    FileExists { path: PathBuf },
    #[error("{path} does not exist")]
    NoSuchFile { path: PathBuf },
    #[error("{kind} \"{key}\" was changed elsewhere (revision {found}, you edited revision {expected}); reload and try again")]
    Conflict {
        kind: EntityKind,
        key: String,
        expected: i64,
        found: i64,
    },
    #[error("{kind} \"{key}\" not found")]
    NotFound { kind: EntityKind, key: String },
    #[error("{kind} \"{key}\" already exists")]
    AlreadyExists { kind: EntityKind, key: String },
    #[error("{kind} \"{key}\": {field}: {message}")]
    Invalid {
        kind: EntityKind,
        key: String,
        field: String,
        message: String,
    },
    #[error("{kind} \"{key}\": condition: {error}")]
    Condition {
        kind: EntityKind,
        key: String,
        error: tailor_model::condition::ConditionError,
    },
    #[error("the workspace would not compile ({count} problem(s)):\n{message}")]
    Plan { message: String, count: usize },
    /// `line` is the line of a text file, 0 for Parquet (which has none).
    #[error("{file}: row {row}{}, column {column}: {message}", line_note(*.line))]
    ImportRow {
        file: String,
        row: u64,
        line: u64,
        column: String,
        message: String,
    },
    #[error("{file}: {message}")]
    ImportFile { file: String, message: String },
    /// Stopped by the user; nothing was written.
    #[error("{what} was cancelled; nothing was stored")]
    Cancelled { what: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("schema migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("corrupt record: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::NotAWorkspace { .. } => ErrorKind::NotAWorkspace,
            StoreError::TooNew { .. } => ErrorKind::TooNew,
            StoreError::FileExists { .. } | StoreError::AlreadyExists { .. } => {
                ErrorKind::AlreadyExists
            }
            StoreError::NoSuchFile { .. } | StoreError::NotFound { .. } => ErrorKind::NotFound,
            StoreError::Conflict { .. } => ErrorKind::Conflict,
            StoreError::Invalid { .. }
            | StoreError::Condition { .. }
            | StoreError::ImportRow { .. }
            | StoreError::ImportFile { .. }
            | StoreError::Plan { .. } => ErrorKind::Invalid,
            StoreError::Cancelled { .. } => ErrorKind::Cancelled,
            StoreError::Io(_) => ErrorKind::Io,
            StoreError::Sql(_) | StoreError::Migration(_) | StoreError::Json(_) => {
                ErrorKind::Internal
            }
        }
    }

    /// The error as the UI shows it.
    pub fn report(&self) -> ErrorReport {
        let position = match self {
            StoreError::Condition { error, .. } => Some(condition_position(error)),
            _ => None,
        };
        ErrorReport {
            kind: self.kind(),
            message: self.to_string(),
            position,
        }
    }
}

pub fn condition_position(e: &tailor_model::condition::ConditionError) -> TextPosition {
    TextPosition {
        line: e.line,
        column: e.column,
        offset: e.offset as u32,
        end: e.end as u32,
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EntityKind::PageType => "page type",
            EntityKind::Entry => "plan entry",
            other => other.as_str(),
        })
    }
}

impl EntityKind {
    /// The id stored in the change log (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Attribute => "attribute",
            EntityKind::Segment => "segment",
            EntityKind::Shopper => "shopper",
            EntityKind::Setting => "setting",
            EntityKind::Stage => "stage",
            EntityKind::PageType => "page_type",
            EntityKind::Content => "content",
            EntityKind::Campaign => "campaign",
            EntityKind::Entry => "entry",
            EntityKind::Product => "product",
            EntityKind::Persona => "persona",
            EntityKind::Base => "base",
            EntityKind::Conflict => "conflict",
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            EntityKind::Attribute => "attributes",
            EntityKind::Segment => "segments",
            EntityKind::Shopper => "shoppers",
            EntityKind::Setting => "settings",
            EntityKind::Stage => "stages",
            EntityKind::PageType => "page_types",
            EntityKind::Content => "content",
            EntityKind::Campaign => "campaigns",
            EntityKind::Entry => "plan_entries",
            EntityKind::Product => "products",
            EntityKind::Persona => "personas",
            EntityKind::Base => "bases",
            EntityKind::Conflict => "merge_conflicts",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "attribute" => EntityKind::Attribute,
            "segment" => EntityKind::Segment,
            "shopper" => EntityKind::Shopper,
            "setting" => EntityKind::Setting,
            "stage" => EntityKind::Stage,
            "page_type" => EntityKind::PageType,
            "content" => EntityKind::Content,
            "campaign" => EntityKind::Campaign,
            "entry" => EntityKind::Entry,
            "product" => EntityKind::Product,
            "persona" => EntityKind::Persona,
            "base" => EntityKind::Base,
            "conflict" => EntityKind::Conflict,
            _ => return None,
        })
    }
}

fn line_note(line: u64) -> String {
    if line == 0 { String::new() } else { format!(" (line {line})") }
}
