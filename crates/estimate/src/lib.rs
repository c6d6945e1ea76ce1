//! Off-policy estimates of a draft plan from logged events (DESIGN §8,
//! `docs/estimation.md`).
//!
//! Given events logged under an earlier policy — each with the shopper's
//! attributes, the placement, the content shown (the *action*), the
//! probability with which it was chosen and its outcomes — [`estimate`]
//! asks the engine what the draft plan would show for the same shopper,
//! page and instant, and estimates the draft's value with inverse
//! propensity scoring (IPS), self-normalised IPS (SNIPS) and doubly robust
//! (DR) estimators, each with a 95% interval, the number of events, the
//! number the draft agrees with, and the effective sample size. Below a
//! documented minimum support ([`Thresholds`]) an estimate is
//! `insufficient_data` with the reason, never a number.
//!
//! The estimation itself ([`estimate`]) is pure: no I/O, no clock. The
//! readers in [`read`] load events from JSON Lines, from CSV exports with a
//! [`read::Mapping`], or from the decision service's log joined with an
//! outcomes file; they are atomic (one bad row fails the whole file, with
//! its row and line number).
//!
//! Deliberately not here: storing events in the workspace (the store's job)
//! and learning policies (this crate evaluates plans people wrote).

pub mod estimate;
pub mod event;
pub mod read;
pub mod request;
pub mod stats;

pub use estimate::{
    Bootstrap, CiMethod, EntryArm, EntryArms, EntryEstimate, Estimate, EstimateError, EstimateOptions, EstimateReport,
    Lift, PolicySummary, Status, Thresholds, estimate,
};
pub use event::Event;
pub use request::{EstimateRequest, choose_reward, estimate_draft, rewards};
pub use read::{JoinReport, Mapping, PlacementSource, PropensitySource, ReadError};
