//! Tailor's engine: compiles conditions (and, later, whole plans) against the
//! attribute schema into slot-resolved form, and evaluates them against
//! shoppers. It does no I/O: callers load shoppers and hand them in.
