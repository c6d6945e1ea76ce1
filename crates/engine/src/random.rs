//! Seeded random numbers for the shopper generator (`tailor-sim`) and the
//! bootstrap (`tailor-estimate`): splitmix64, from `rand_xoshiro`. It is
//! fully specified, so a seed gives the same shoppers and the same
//! intervals on every machine and in every version; the tests pin its
//! output. Nothing in deciding a page is random (variants are bucketed by
//! hash, see [`bucket`](crate::bucket())).

use rand_xoshiro::rand_core::{Rng, SeedableRng};

/// A splitmix64 stream with the conversions Tailor needs.
#[derive(Clone, Debug)]
pub struct SplitMix64(rand_xoshiro::SplitMix64);

impl SplitMix64 {
    /// The stream whose state starts at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(rand_xoshiro::SplitMix64::seed_from_u64(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1), from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0), by multiply-shift (bias below 2⁻³²).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs of the reference splitmix64 (and of the copies Tailor kept
    /// before this module): changing them would change every example's
    /// shoppers and every bootstrap interval.
    #[test]
    fn the_stream_is_the_reference_splitmix64() {
        let first = |seed, n| {
            let mut r = SplitMix64::new(seed);
            (0..n).map(|_| r.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(
            first(0, 4),
            [
                16294208416658607535,
                7960286522194355700,
                487617019471545679,
                17909611376780542444
            ]
        );
        assert_eq!(
            first(7, 4),
            [
                7191089600892374487,
                309689372594955804,
                16616101746815609346,
                10753165928301472203
            ]
        );
    }

    #[test]
    fn conversions_are_pinned() {
        let mut r = SplitMix64::new(1_234_567);
        let units = [r.next_f64(), r.next_f64(), r.next_f64()];
        assert_eq!(
            units,
            [0.3500795420214081, 0.17364409667091263, 0.5322073040624192]
        );
        let mut r = SplitMix64::new(42);
        assert_eq!([(); 5].map(|()| r.below(1000)), [741, 159, 278, 344, 38]);
        let mut r = SplitMix64::new(9);
        assert_eq!(r.normal(), 0.006612471331275783);
        let normals: Vec<f64> = (0..10_000).map(|_| r.normal()).collect();
        let mean = normals.iter().sum::<f64>() / normals.len() as f64;
        assert!(mean.abs() < 0.05, "{mean}");
    }
}
