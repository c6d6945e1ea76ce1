//! Lint and (later) batch simulation over sample shoppers.
