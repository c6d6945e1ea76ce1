//! store
pub mod types;
