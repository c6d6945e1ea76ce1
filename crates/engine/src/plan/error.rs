//! What can go wrong compiling a plan or deciding a page.

use serde::{Deserialize, Serialize};

/// One problem found while compiling a snapshot. `Plan::compile` returns all
/// of them, each naming the entity, its key and the field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{entity} \"{key}\": {field}: {message}")]
pub struct PlanError {
    /// "attribute", "segment", "stage", "page type", "content", "campaign",
    /// "plan entry", "constraint" or "product".
    pub entity: String,
    /// The entity's id or name.
    pub key: String,
    /// The field at fault, e.g. `placement` or `placements.hero.default`.
    pub field: String,
    pub message: String,
}

impl PlanError {
    pub(crate) fn new(entity: &str, key: &str, field: &str, message: impl Into<String>) -> Self {
        Self { entity: entity.into(), key: key.into(), field: field.into(), message: message.into() }
    }
}

/// A request the plan cannot answer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DecideError {
    #[error("no page type \"{page}\" (page types: {known})")]
    UnknownPage { page: String, known: String },
    #[error("no journey stage \"{stage}\" (stages: {known})")]
    UnknownStage { stage: String, known: String },
    #[error("shopper attribute `{attribute}`: {message}")]
    ShopperValue { attribute: String, message: String },
    #[error("the shopper has no \"id\"")]
    MissingShopperId,
}

impl From<crate::shopper::ValueError> for DecideError {
    fn from(e: crate::shopper::ValueError) -> Self {
        DecideError::ShopperValue { attribute: e.attribute.0, message: e.message }
    }
}
