//! Simulation, impact diff and lint over a workspace's rules and its sample
//! shoppers (DESIGN §8), plus the shopper sources they run on: streamed
//! files, a seeded generator, named personas and the UCI data set mapping.
//!
//! Every decision is made by `tailor_engine::decide` on a compiled plan —
//! this crate only chooses what to decide and counts the answers. It does no
//! I/O beyond reading the shopper files it is pointed at; persisting results
//! is the store's job.

pub mod boundaries;
pub mod generator;
pub mod hygiene;
pub mod impact;
pub mod input;
pub mod lint;
pub mod parquet;
pub mod report;
mod run;
pub mod simulate;
#[cfg(test)]
mod testkit;
pub mod uci;

pub use input::{
    ShopperStream, from_maps, from_shoppers, from_table, shoppers_from_csv, shoppers_from_jsonl, shoppers_from_parquet,
};
pub use run::{Progress, SimError};
pub use simulate::{SimOptions, SimReport, simulate, times_between};
