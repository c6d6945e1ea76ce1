//! The arithmetic of the estimators, on plain slices: point values,
//! influence terms for normal-approximation intervals, the effective sample
//! size and a seeded percentile bootstrap. No I/O, no randomness beyond the
//! seeded generator.

/// z for a two-sided 95% normal interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// An estimate with its influence terms `psi` (one per event, mean zero):
/// the estimator's standard error is `sqrt(Σ psi² / (n (n − 1)))`, and the
/// difference of two estimates on the same events has influence
/// `psi_a − psi_b` (paired).
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    pub value: f64,
    pub psi: Vec<f64>,
}

impl Linear {
    /// The mean of per-event terms (logged value, IPS, DR).
    pub fn mean(terms: &[f64]) -> Self {
        let value = mean(terms);
        Self { value, psi: terms.iter().map(|t| t - value).collect() }
    }

    /// Self-normalised IPS, `Σ w r / Σ w`, linearised (delta method):
    /// `psi_i = w_i (r_i − V) / mean(w)`. `NaN` when `Σ w = 0`.
    pub fn snips(w: &[f64], r: &[f64]) -> Self {
        let sw: f64 = w.iter().sum();
        let swr: f64 = w.iter().zip(r).map(|(w, r)| w * r).sum();
        if sw <= 0.0 {
            return Self { value: f64::NAN, psi: vec![0.0; w.len()] };
        }
        let value = swr / sw;
        let wbar = sw / w.len() as f64;
        Self { value, psi: w.iter().zip(r).map(|(w, r)| w * (r - value) / wbar).collect() }
    }

    /// `self − other` on the same events, with paired influence terms.
    pub fn minus(&self, other: &Linear) -> Linear {
        Linear {
            value: self.value - other.value,
            psi: self.psi.iter().zip(&other.psi).map(|(a, b)| a - b).collect(),
        }
    }

    /// Standard error: `sqrt(Σ psi² / (n (n − 1)))`; 0 with fewer than 2 events.
    pub fn std_error(&self) -> f64 {
        let n = self.psi.len() as f64;
        if n < 2.0 {
            return 0.0;
        }
        (self.psi.iter().map(|p| p * p).sum::<f64>() / (n * (n - 1.0))).sqrt()
    }

    /// 95% normal interval `value ± 1.96 × se`.
    pub fn normal_ci(&self) -> (f64, f64) {
        let h = Z95 * self.std_error();
        (self.value - h, self.value + h)
    }
}

pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() { f64::NAN } else { x.iter().sum::<f64>() / x.len() as f64 }
}

/// Effective sample size of importance weights, `(Σ w)² / Σ w²` (0 when all
/// weights are 0): the number of equally weighted events that would give
/// the same precision.
pub fn ess(w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    let s2: f64 = w.iter().map(|w| w * w).sum();
    if s2 > 0.0 { s * s / s2 } else { 0.0 }
}

/// The bootstrap's seeded, portable generator (shared with the shopper
/// generator).
pub use tailor_engine::random::SplitMix64;

/// The `q`-quantile (0–1) of sorted values, by linear interpolation.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Percentile bootstrap: `resamples` draws of `n` indices with replacement;
/// `stat` maps a resample (indices into the original events) to K
/// statistics. Returns the (2.5%, 97.5%) percentiles of each statistic,
/// ignoring resamples where it is not finite (e.g. SNIPS with Σ w = 0).
pub fn bootstrap<const K: usize>(
    n: usize,
    resamples: usize,
    seed: u64,
    mut stat: impl FnMut(&[usize]) -> [f64; K],
) -> [(f64, f64); K] {
    let mut rng = SplitMix64::new(seed);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); K];
    let mut idx = vec![0usize; n];
    for _ in 0..resamples {
        for i in idx.iter_mut() {
            *i = rng.below(n);
        }
        for (k, v) in stat(&idx).into_iter().enumerate() {
            if v.is_finite() {
                draws[k].push(v);
            }
        }
    }
    std::array::from_fn(|k| {
        let d = &mut draws[k];
        d.sort_by(f64::total_cmp);
        (quantile(d, 0.025), quantile(d, 0.975))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_its_standard_error_match_the_textbook() {
        // terms 1, 2, 3, 4: mean 2.5, sample variance 5/3, se = sqrt(5/3 / 4)
        let l = Linear::mean(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(l.value, 2.5);
        assert!((l.std_error() - (5.0f64 / 3.0 / 4.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn snips_by_hand() {
        // w = [2, 0, 2, 4], r = [1, 1, 0, 1]: Σwr = 6, Σw = 8 -> 0.75
        let w = [2.0, 0.0, 2.0, 4.0];
        let r = [1.0, 1.0, 0.0, 1.0];
        let s = Linear::snips(&w, &r);
        assert_eq!(s.value, 0.75);
        // mean(w) = 2; psi = w (r − 0.75) / 2 = [0.25, 0, −0.75, 0.5]
        assert_eq!(s.psi, vec![0.25, 0.0, -0.75, 0.5]);
        assert!(s.psi.iter().sum::<f64>().abs() < 1e-12);
    }

    #[test]
    fn ess_of_equal_weights_is_their_count_and_drops_with_spread() {
        assert_eq!(ess(&[3.0; 10]), 10.0);
        assert_eq!(ess(&[0.0, 0.0]), 0.0);
        // (1 + 3)² / (1 + 9) = 1.6
        assert!((ess(&[1.0, 3.0]) - 1.6).abs() < 1e-12);
    }

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_mean() {
        let x: Vec<f64> = (0..200).map(|i| (i % 7) as f64).collect();
        let a = bootstrap(x.len(), 300, 7, |idx| [idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64]);
        let b = bootstrap(x.len(), 300, 7, |idx| [idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64]);
        assert_eq!(a, b);
        let m = mean(&x);
        assert!(a[0].0 < m && m < a[0].1);
        // close to the normal interval
        let (lo, hi) = Linear::mean(&x).normal_ci();
        assert!((a[0].0 - lo).abs() < 0.1 && (a[0].1 - hi).abs() < 0.1, "{a:?} vs {lo} {hi}");
    }

    #[test]
    fn quantile_interpolates() {
        assert_eq!(quantile(&[0.0, 10.0], 0.25), 2.5);
        assert_eq!(quantile(&[5.0], 0.975), 5.0);
    }
}
