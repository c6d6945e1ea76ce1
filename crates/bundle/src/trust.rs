//! Trust files: which public keys may sign bundles for which environment, and
//! how many of them must.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::B64;
use crate::keyid::KeyId;

/// `{"environments": {"production": {"threshold": 1, "keys": [...]}}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustFile {
    pub environments: BTreeMap<String, EnvironmentTrust>,
}

/// The keys trusted for one environment and how many distinct ones must sign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentTrust {
    /// Distinct trusted keys whose valid signatures a bundle needs (≥ 1).
    pub threshold: u32,
    pub keys: Vec<TrustedKey>,
    /// Two-person rule: the key(s) that submitted a bundle, and any key
    /// whose `name` is the bundle's `author`, may not approve it. Written
    /// only when true, so existing trust files read and write unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub distinct_from_author: bool,
}

/// A trusted public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    pub keyid: KeyId,
    pub public_key: PublicKey,
    /// Who holds the key (informational).
    pub name: String,
}

/// An Ed25519 public key, written as standard base64 of its raw 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(pub VerifyingKey);

impl PublicKey {
    pub fn keyid(&self) -> KeyId {
        KeyId::of(&self.0)
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// Parse standard base64 of 32 raw bytes that encode a valid point.
    pub fn from_base64(s: &str) -> Result<Self, String> {
        let bytes = B64
            .decode(s.trim())
            .map_err(|e| format!("not base64: {e}"))?;
        let raw: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("an Ed25519 public key is 32 bytes, not {}", b.len()))?;
        VerifyingKey::from_bytes(&raw)
            .map(PublicKey)
            .map_err(|_| "not a valid Ed25519 public key".to_owned())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicKey::from_base64(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("cannot read trust file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write trust file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("trust file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "trust file {path}: environment {environment}: key {name}: keyid {keyid} is not the sha256 of its public key ({expected})"
    )]
    KeyIdMismatch {
        path: PathBuf,
        environment: String,
        name: String,
        keyid: KeyId,
        expected: KeyId,
    },
    #[error("trust file {path}: environment {environment}: threshold must be at least 1")]
    ZeroThreshold { path: PathBuf, environment: String },
}

impl TrustFile {
    /// Read and check a trust file: public keys valid, keyids matching their
    /// keys, thresholds at least 1.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, TrustError> {
        let path = path.as_ref();
        let text = std::fs::read(path).map_err(|source| TrustError::Read {
            path: path.into(),
            source,
        })?;
        let file: TrustFile =
            serde_json::from_slice(&text).map_err(|source| TrustError::Parse {
                path: path.into(),
                source,
            })?;
        file.check(path)?;
        Ok(file)
    }

    /// [`Self::load`], or an empty trust file when `path` does not exist.
    pub fn load_or_default(path: impl AsRef<Path>) -> Result<Self, TrustError> {
        let path = path.as_ref();
        if path.exists() {
            Self::load(path)
        } else {
            Ok(Self::default())
        }
    }

    fn check(&self, path: &Path) -> Result<(), TrustError> {
        for (env, trust) in &self.environments {
            if trust.threshold == 0 {
                return Err(TrustError::ZeroThreshold {
                    path: path.into(),
                    environment: env.clone(),
                });
            }
            for key in &trust.keys {
                let expected = key.public_key.keyid();
                if key.keyid != expected {
                    return Err(TrustError::KeyIdMismatch {
                        path: path.into(),
                        environment: env.clone(),
                        name: key.name.clone(),
                        keyid: key.keyid.clone(),
                        expected,
                    });
                }
            }
        }
        Ok(())
    }

    /// Write as pretty JSON, atomically (temp file in the same directory, then rename).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), TrustError> {
        let path = path.as_ref();
        let mut json = serde_json::to_vec_pretty(self).expect("a trust file is plain data");
        json.push(b'\n');
        crate::keys::write_atomic(path, &json, None).map_err(|source| TrustError::Write {
            path: path.into(),
            source,
        })
    }

    /// Trust `public_key` (held by `name`) for `environment`, creating the
    /// environment with threshold 1 if needed. Returns false when the key was
    /// already trusted there (nothing changes).
    pub fn trust(&mut self, environment: &str, name: &str, public_key: &VerifyingKey) -> bool {
        let keyid = KeyId::of(public_key);
        let env = self
            .environments
            .entry(environment.to_owned())
            .or_insert_with(|| EnvironmentTrust {
                threshold: 1,
                keys: Vec::new(),
                distinct_from_author: false,
            });
        if env.keys.iter().any(|k| k.keyid == keyid) {
            return false;
        }
        env.keys.push(TrustedKey {
            keyid,
            public_key: PublicKey(*public_key),
            name: name.to_owned(),
        });
        true
    }

    /// The name a trust file gives `keyid` in `environment`, if trusted there.
    pub fn key_name(&self, environment: &str, keyid: &KeyId) -> Option<&str> {
        let env = self.environments.get(environment)?;
        env.keys.iter().find(|k| &k.keyid == keyid).map(|k| k.name.as_str())
    }

    /// The keys trusted for `environment`, by keyid (computed from each key).
    pub(crate) fn keys_for(
        &self,
        environment: &str,
    ) -> Option<(u32, BTreeMap<KeyId, VerifyingKey>)> {
        let env = self.environments.get(environment)?;
        Some((
            env.threshold,
            env.keys
                .iter()
                .map(|k| (k.public_key.keyid(), k.public_key.0))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::tests::key;

    #[test]
    fn trusting_the_same_key_twice_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trust.json");
        let (a, b) = (key(1).verifying_key(), key(2).verifying_key());
        let mut t = TrustFile::load_or_default(&path).unwrap();
        assert!(t.trust("production", "alice", &a));
        t.save(&path).unwrap();
        let first = std::fs::read(&path).unwrap();

        let mut t = TrustFile::load(&path).unwrap();
        assert!(!t.trust("production", "alice-again", &a));
        t.save(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first, "merge is idempotent");

        assert!(t.trust("production", "bob", &b));
        assert!(t.trust("staging", "alice", &a));
        t.save(&path).unwrap();
        let t = TrustFile::load(&path).unwrap();
        assert_eq!(t.environments["production"].keys.len(), 2);
        assert_eq!(t.environments["production"].threshold, 1);
        assert_eq!(t.environments["staging"].keys[0].keyid, KeyId::of(&a));
    }

    #[test]
    fn trust_file_format_is_the_documented_one() {
        let mut t = TrustFile::default();
        let a = key(1).verifying_key();
        t.trust("production", "alice", &a);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"environments": {"production": {"threshold": 1, "keys": [
                {"keyid": KeyId::of(&a).0, "public_key": B64.encode(a.as_bytes()), "name": "alice"}
            ]}}})
        );
    }

    #[test]
    fn load_refuses_mismatched_keyid_zero_threshold_and_bad_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trust.json");
        let a = key(1).verifying_key();
        let pk = B64.encode(a.as_bytes());
        let write = |v: serde_json::Value| std::fs::write(&path, v.to_string()).unwrap();

        write(
            serde_json::json!({"environments": {"production": {"threshold": 1, "keys": [{"keyid": "00", "public_key": pk, "name": "a"}]}}}),
        );
        assert!(matches!(
            TrustFile::load(&path),
            Err(TrustError::KeyIdMismatch { .. })
        ));
        write(serde_json::json!({"environments": {"production": {"threshold": 0, "keys": []}}}));
        assert!(matches!(
            TrustFile::load(&path),
            Err(TrustError::ZeroThreshold { .. })
        ));
        write(
            serde_json::json!({"environments": {"production": {"threshold": 1, "keys": [{"keyid": "00", "public_key": "AAAA", "name": "a"}]}}}),
        );
        let err = TrustFile::load(&path).unwrap_err().to_string();
        assert!(err.contains("32 bytes"), "{err}");
    }
}
