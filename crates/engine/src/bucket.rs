//! Deterministic bucketing: GrowthBook's "hash version 2" (DESIGN §5), so a
//! storefront already using a GrowthBook SDK buckets shoppers identically.
//!
//! `n = fnv1a32(seed + unit)`, `bucket = (fnv1a32(decimal(n)) mod 10000) / 10000`,
//! FNV-1a 32-bit over UTF-8 bytes. Tailor uses seed = plan entry id and
//! unit = shopper id.

const OFFSET: u32 = 0x811c_9dc5;
const PRIME: u32 = 0x0100_0193;

/// FNV-1a 32-bit, continued from `hash` over `bytes` (start from the offset basis).
fn fnv1a32_from(mut hash: u32, bytes: &[u8]) -> u32 {
    for b in bytes {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

/// FNV-1a 32-bit over the UTF-8 bytes of `s`.
pub fn fnv1a32(s: &str) -> u32 {
    fnv1a32_from(OFFSET, s.as_bytes())
}

/// The shopper's bucket in `[0, 1)` for one seed, in steps of 1/10000.
pub fn bucket(seed: &str, unit: &str) -> f64 {
    bucket_seeded(seed_state(seed), unit)
}

/// The hash state after the seed: a plan keeps it per entry, so deciding a
/// page hashes only the shopper id.
pub(crate) fn seed_state(seed: &str) -> u32 {
    fnv1a32_from(OFFSET, seed.as_bytes())
}

/// [`bucket`] from the seed's [`seed_state`].
pub(crate) fn bucket_seeded(seed_state: u32, unit: &str) -> f64 {
    // Hash `seed + unit` without building the concatenation: FNV is a stream.
    let n = fnv1a32_from(seed_state, unit.as_bytes());
    // The decimal form of n, written into a stack buffer (u32 has ≤ 10 digits).
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let h = fnv1a32_from(OFFSET, &digits[start..]);
    f64::from(h % 10_000) / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The version-2 rows of the "hash" section of GrowthBook's shared SDK
    /// test cases (`packages/sdk-js/test/cases.json` in growthbook/growthbook,
    /// commit 021bf498): `[seed, value, version, expected]`.
    const GROWTHBOOK_V2: [(&str, &str, f64); 7] = [
        ("seed", "a", 0.0505),
        ("seed", "b", 0.2696),
        ("foo", "ab", 0.2575),
        ("foo", "def", 0.2019),
        ("89123klj", "8952klfjas09ujkasdf", 0.124),
        ("90850943850283058242805", "123", 0.7516),
        ("()**(%$##$%#$#", "___)((*\":&", 0.0128),
    ];

    #[test]
    fn bucket_matches_growthbook_hash_v2_test_vectors() {
        for (seed, unit, expected) in GROWTHBOOK_V2 {
            assert_eq!(bucket(seed, unit), expected, "bucket({seed:?}, {unit:?})");
        }
    }

    #[test]
    fn fnv1a32_matches_the_reference_values() {
        // Landon Curt Noll's FNV test suite.
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn bucket_is_in_the_unit_interval_for_edge_inputs() {
        for (seed, unit) in [("", ""), ("x", ""), ("", "y"), ("é", "ü")] {
            let b = bucket(seed, unit);
            assert!((0.0..1.0).contains(&b));
        }
    }
}
