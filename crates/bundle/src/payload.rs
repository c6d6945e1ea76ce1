//! The bundle payload and its canonical bytes (RFC 8785) and digest.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tailor_model::spec::Snapshot;

/// The payload schema this crate writes and accepts.
pub const BUNDLE_SCHEMA_VERSION: u32 = 1;

/// Everything a bundle carries: the rules and the release facts around them.
/// Field names are part of the wire format (docs/bundle-format.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundlePayload {
    pub schema_version: u32,
    pub workspace_id: String,
    /// `staging`, `production`, …: the environment the bundle may be served in.
    pub environment: String,
    /// Monotonic per environment (checked by the service, not here).
    pub version: u64,
    pub created_at: Timestamp,
    /// The service refuses the bundle from this instant on.
    pub expires_at: Timestamp,
    /// Digest of the bundle this one replaces, if any.
    pub parent_digest: Option<String>,
    /// Set only by an explicit overwrite: the active digest this bundle
    /// replaces although it was not built on it. The service then accepts a
    /// `parent_digest` that is not the active one, provided this names the
    /// active digest exactly. Absent from the canonical form when unset, so
    /// bundles from before it keep their digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overwrites: Option<String>,
    pub author: String,
    pub approvals: Vec<Approval>,
    /// Set by a promotion: the bundle of another environment whose rules
    /// this one carries unchanged. Absent otherwise, so bundles from before
    /// it keep their digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<PromotedFrom>,
    pub rules: Snapshot,
}

/// Where a promoted bundle's rules come from: the bundle that was active in
/// the source environment when it was promoted (verified against the trust
/// file for that environment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotedFrom {
    pub environment: String,
    pub version: u64,
    pub digest: String,
}

/// A reviewer's sign-off recorded in the payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub by: String,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The payload could not be written as canonical JSON.
#[derive(Debug, thiserror::Error)]
#[error("payload cannot be written as canonical JSON: {0}")]
pub struct CanonicalError(#[from] serde_json::Error);

impl BundlePayload {
    /// RFC 8785 (JCS) bytes of the payload: object keys sorted by UTF-16 code
    /// units, no whitespace, numbers written as ECMAScript doubles. (A
    /// non-finite float nested in a struct comes out as `null`; [`crate::build`]
    /// refuses such payloads by checking the round trip.)
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, CanonicalError> {
        Ok(serde_json_canonicalizer::to_vec(self)?)
    }

    /// `sha256:` + hex of [`Self::canonical_bytes`].
    pub fn digest(&self) -> Result<String, CanonicalError> {
        Ok(digest_of(&self.canonical_bytes()?))
    }
}

/// `sha256:` + lowercase hex SHA-256 of `canonical` (already canonical bytes).
pub fn digest_of(canonical: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(canonical)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::tests::payload;

    #[test]
    fn canonical_json_sorts_keys_whatever_the_field_order() {
        // Same data, fields written in two different orders: one canonical form.
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b": 1, "a": {"y": [1.50, 2e1], "x": "é"}}"#).unwrap();
        let b: serde_json::Value =
            serde_json::from_str(r#"{"a": {"x": "é", "y": [1.5, 20]}, "b": 1.0}"#).unwrap();
        let ca = serde_json_canonicalizer::to_vec(&a).unwrap();
        assert_eq!(ca, serde_json_canonicalizer::to_vec(&b).unwrap());
        assert_eq!(
            String::from_utf8(ca).unwrap(),
            r#"{"a":{"x":"é","y":[1.5,20]},"b":1}"#
        );

        // A payload re-read from JSON with its keys shuffled canonicalises identically.
        let p = payload();
        let canonical = p.canonical_bytes().unwrap();
        let mut shuffled = serde_json::to_value(&p).unwrap();
        let obj = shuffled.as_object_mut().unwrap();
        let reversed: serde_json::Map<String, serde_json::Value> =
            std::mem::take(obj).into_iter().rev().collect();
        *obj = reversed;
        let text = serde_json::to_string_pretty(&shuffled).unwrap();
        let reread: BundlePayload = serde_json::from_str(&text).unwrap();
        assert_eq!(reread.canonical_bytes().unwrap(), canonical);
        assert!(canonical.starts_with(br#"{"approvals":"#));
    }

    #[test]
    fn canonical_numbers_follow_ecmascript_formatting() {
        // RFC 8785 appendix B examples.
        let cases = [
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (-0.0, "0"),
            (333333333.3333333, "333333333.3333333"),
        ];
        for (n, want) in cases {
            assert_eq!(serde_json_canonicalizer::to_string(&n).unwrap(), want);
        }
        assert!(serde_json_canonicalizer::to_vec(&f64::NAN).is_err());
    }

    #[test]
    fn digest_is_sha256_of_the_canonical_bytes() {
        let p = payload();
        let d = p.digest().unwrap();
        assert_eq!(d, digest_of(&p.canonical_bytes().unwrap()));
        assert_eq!(d.len(), "sha256:".len() + 64);
        // sha256("") is well known.
        assert_eq!(
            digest_of(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

/// Digest of a workspace's rules alone (RFC 8785 JCS of the snapshot, then
/// sha256): what the app's preview and simulations name as "the rules they
/// evaluated", independent of environment, version and signing time.
pub fn rules_digest(rules: &tailor_model::spec::Snapshot) -> Result<String, CanonicalError> {
    Ok(digest_of(&serde_json_canonicalizer::to_vec(rules)?))
}
