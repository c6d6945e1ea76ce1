//! Tailor's signed rule bundles (DESIGN §6): what the desktop app and the CLI
//! publish and what the decision service accepts.
//!
//! - [`BundlePayload`]: a workspace's rules plus release metadata, serialised
//!   as RFC 8785 canonical JSON ([`BundlePayload::canonical_bytes`]); its
//!   digest is `sha256:` + hex of those bytes.
//! - [`Envelope`]: a DSSE envelope carrying the canonical payload and Ed25519
//!   signatures over the DSSE pre-authentication encoding ([`pae`]).
//! - [`build`] signs a payload; [`verify`] checks an envelope against a
//!   [`TrustFile`] (environments → trusted keys, threshold) and answers with a
//!   [`VerifyError`] whose [`VerifyError::code`] is stable.
//! - [`KeyStore`]: private keys outside the workspace, in the OS keyring when
//!   one answers, else 0600 files; [`PublishTokens`]: per-environment publish
//!   tokens in the keyring, else `TAILOR_PUBLISH_TOKEN` ([`Backend`] chooses).
//!
//! What it deliberately does not do: compile the rules (callers run
//! `tailor_engine::plan::Plan::compile` on [`Verified::payload`]), check that
//! a version is newer than the active one (the service's job), talk HTTP, or
//! implement any cryptographic primitive itself (`ed25519-dalek`, `sha2` and
//! `serde_json_canonicalizer` do). The format is specified in
//! `docs/bundle-format.md`.

mod build;
mod dsse;
mod keyid;
mod keys;
mod payload;
mod secrets;
mod trust;
mod verify;

pub use build::{Built, BundleError, build, cosign};
pub use dsse::{Envelope, EnvelopeSignature, PAYLOAD_TYPE, pae, payload_of_envelope};
pub use keyid::KeyId;
pub use keys::{KEY_DIR_ENV, KeyError, KeyLocation, KeyStore, StoredKey, generate_signing_key};
pub use payload::{
    Approval, BUNDLE_SCHEMA_VERSION, BundlePayload, CanonicalError, PromotedFrom, digest_of, rules_digest,
};
pub use secrets::{
    Backend, KEYRING_NAME, KeyringError, OsKeyring, PUBLISH_TOKEN_ENV, PublishToken, PublishTokens,
    TokenError, TokenSource,
};
pub use trust::{EnvironmentTrust, PublicKey, TrustError, TrustFile, TrustedKey};
pub use verify::{Verified, VerifyError, verify, verify_partial, verify_strict};

/// The signature primitives, re-exported so callers need not depend on a
/// matching `ed25519-dalek` version.
pub use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

pub(crate) const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
