//! What the benchmarks' generators share: one seeded generator, so every
//! run measures the same data, and bare content items.
#![allow(dead_code)] // each bench uses a different part

use tailor_model::plan::{Content, ContentBody};

/// xorshift64*: deterministic, so every run measures the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A content item with no governance fields.
pub fn content(id: String, body: ContentBody) -> Content {
    Content { id, body, owner: None, review_by: None, tags: vec![], doc: Default::default() }
}
