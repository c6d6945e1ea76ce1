//! Tailor's engine: compiles conditions and whole plans against the
//! attribute schema, and decides pages for shoppers (DESIGN §5) with an
//! optional why/why-not trace. It does no I/O: callers load snapshots and
//! shoppers and hand them in; `decide` takes its instant explicitly.

pub mod bucket;
pub mod columnar;
pub mod condition;
pub mod plan;
pub mod random;
pub mod reach;
pub mod shopper;
pub mod value;

/// The engine's version, reported by the app's About box and `tailor --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use bucket::bucket;
pub use columnar::{Bitmap, ColumnarBuilder, ColumnarTable};
pub use condition::{CompileError, CompiledCondition, Evaluator, Failure};
pub use plan::{Decision, DecisionRequest, PageRequest, Plan, PlanError, decide, decide_json};
pub use reach::{Reach, reach};
pub use shopper::{Shopper, ShopperTable, ValueError, shopper_from_json, value_from_json};
pub use value::Value;
