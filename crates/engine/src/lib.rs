//! Tailor's engine: compiles conditions (and, later, whole plans) against the
//! attribute schema into slot-resolved form, and evaluates them against
//! shoppers. It does no I/O: callers load shoppers and hand them in.

pub mod condition;
pub mod reach;
pub mod shopper;
pub mod value;

pub use condition::{CompileError, CompiledCondition, Evaluator, Failure};
pub use reach::{Reach, reach};
pub use shopper::{Shopper, ShopperTable, ValueError, shopper_from_json};
pub use value::Value;
