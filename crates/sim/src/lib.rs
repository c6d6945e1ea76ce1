//! Lint (and, later, batch simulation and estimation) over a workspace's
//! rules and its sample shoppers. Pure functions: callers load the data.

pub mod hygiene;
pub mod lint;
