//! Verifying a bundle against a trust file.

use std::collections::BTreeSet;

use base64::Engine as _;
use ed25519_dalek::Signature;
use jiff::Timestamp;
use serde::Deserialize;

use crate::B64;
use crate::dsse::{Envelope, PAYLOAD_TYPE, pae};
use crate::keyid::KeyId;
use crate::payload::{BUNDLE_SCHEMA_VERSION, BundlePayload, digest_of};
use crate::trust::TrustFile;

/// A bundle that passed every check.
#[derive(Clone, Debug)]
pub struct Verified {
    pub payload: BundlePayload,
    /// `sha256:` + hex of the canonical payload bytes.
    pub digest: String,
    /// The trusted keys whose signatures verified, sorted, each once.
    pub keyids: Vec<KeyId>,
}

/// Why a bundle was refused. [`VerifyError::code`] is stable (the service
/// reports it and counts rejects by it); the message is for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not JSON, not a DSSE envelope, bad base64, or a payload that is not
    /// the canonical JSON of a [`BundlePayload`].
    #[error("malformed bundle: {0}")]
    Malformed(String),
    #[error("payload type is {found:?}, expected {PAYLOAD_TYPE:?}")]
    WrongPayloadType { found: String },
    #[error("the signature by trusted key {keyid} does not verify")]
    BadSignature { keyid: KeyId },
    #[error("no signature by a key trusted for {environment}{}", if *.environment_known { "" } else { " (the trust file has no such environment)" })]
    UntrustedKey {
        environment: String,
        environment_known: bool,
    },
    #[error("{valid} valid signature(s) by keys trusted for {environment}, {threshold} required")]
    ThresholdNotMet {
        environment: String,
        threshold: u32,
        valid: usize,
    },
    #[error("bundle is for environment {found:?}, not {expected:?}")]
    WrongEnvironment { expected: String, found: String },
    #[error("bundle expired at {expires_at} (now {now})")]
    Expired {
        expires_at: Timestamp,
        now: Timestamp,
    },
    #[error(
        "bundle schema version {found} is not supported (this build reads {BUNDLE_SCHEMA_VERSION})"
    )]
    UnsupportedSchema { found: u32 },
}

impl VerifyError {
    /// The stable machine code: `malformed`, `wrong_payload_type`,
    /// `bad_signature`, `untrusted_key`, `threshold_not_met`,
    /// `wrong_environment`, `expired`, `unsupported_schema`.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed(_) => "malformed",
            VerifyError::WrongPayloadType { .. } => "wrong_payload_type",
            VerifyError::BadSignature { .. } => "bad_signature",
            VerifyError::UntrustedKey { .. } => "untrusted_key",
            VerifyError::ThresholdNotMet { .. } => "threshold_not_met",
            VerifyError::WrongEnvironment { .. } => "wrong_environment",
            VerifyError::Expired { .. } => "expired",
            VerifyError::UnsupportedSchema { .. } => "unsupported_schema",
        }
    }
}

/// The fields checked before the payload as a whole, read on their own when
/// the full payload does not decode (e.g. a newer schema).
#[derive(Deserialize)]
struct Header {
    schema_version: u32,
    environment: String,
}

/// Verify a DSSE envelope for `env` at instant `now`.
///
/// Checks, in order (the first failure is returned): the envelope parses and
/// its base64 decodes; the payload type; the signatures (only those whose
/// keyid is trusted for `env` count, each key once; a trusted keyid whose
/// signature fails is `bad_signature`; none valid is `untrusted_key`; fewer
/// than the threshold is `threshold_not_met`); the payload decodes as a
/// [`BundlePayload`]; its environment; its schema version; it is exactly the
/// canonical JSON of what it decodes to; it has not expired (`now <
/// expires_at`). Version monotonicity is the service's check.
pub fn verify_strict(
    envelope_bytes: &[u8],
    trust: &TrustFile,
    env: &str,
    now: Timestamp,
) -> Result<Verified, VerifyError> {
    verify_inner(envelope_bytes, trust, env, now, true, false)
}

/// [`verify_strict`] without re-canonicalising the payload: what the decision
/// service runs on every upload. The signature covers the exact bytes and the
/// digest is their hash, so skipping the canonical-form check never lets an
/// unsigned or altered payload through; it only stops insisting that a
/// trusted signer wrote RFC 8785 bytes (our `build` always does, and
/// `tailor bundle verify` still checks it). It saves most of the time.
pub fn verify(
    envelope_bytes: &[u8],
    trust: &TrustFile,
    env: &str,
    now: Timestamp,
) -> Result<Verified, VerifyError> {
    verify_inner(envelope_bytes, trust, env, now, false, false)
}

/// [`verify`] for a bundle that is still collecting signatures (two-person
/// rule): every check is made, and every signature by a trusted key must
/// verify, but fewer valid signatures than the threshold are fine (at least
/// one is still needed). `Verified::keyids` says who has signed so far.
pub fn verify_partial(
    envelope_bytes: &[u8],
    trust: &TrustFile,
    env: &str,
    now: Timestamp,
) -> Result<Verified, VerifyError> {
    verify_inner(envelope_bytes, trust, env, now, false, true)
}

fn verify_inner(
    envelope_bytes: &[u8],
    trust: &TrustFile,
    env: &str,
    now: Timestamp,
    strict: bool,
    partial: bool,
) -> Result<Verified, VerifyError> {
    let malformed =
        |what: &str, e: &dyn std::fmt::Display| VerifyError::Malformed(format!("{what}: {e}"));

    // 1. Parse.
    let envelope: Envelope =
        serde_json::from_slice(envelope_bytes).map_err(|e| malformed("not a DSSE envelope", &e))?;
    // 2. Payload type.
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(VerifyError::WrongPayloadType {
            found: envelope.payload_type,
        });
    }
    let body = B64
        .decode(envelope.payload.as_bytes())
        .map_err(|e| malformed("payload is not base64", &e))?;

    // 3. Signatures.
    let Some((threshold, trusted)) = trust.keys_for(env) else {
        return Err(VerifyError::UntrustedKey {
            environment: env.to_owned(),
            environment_known: false,
        });
    };
    let mut message = None;
    let mut valid = BTreeSet::new();
    for s in &envelope.signatures {
        let Some(key) = trusted.get(&s.keyid) else {
            continue;
        };
        let raw = B64
            .decode(s.sig.as_bytes())
            .map_err(|e| malformed("signature is not base64", &e))?;
        let bad = || VerifyError::BadSignature {
            keyid: s.keyid.clone(),
        };
        let raw: [u8; 64] = raw.try_into().map_err(|_| bad())?;
        let message = message.get_or_insert_with(|| pae(&envelope.payload_type, &body));
        key.verify_strict(message, &Signature::from_bytes(&raw))
            .map_err(|_| bad())?;
        valid.insert(s.keyid.clone());
    }
    if valid.is_empty() {
        return Err(VerifyError::UntrustedKey {
            environment: env.to_owned(),
            environment_known: true,
        });
    }
    if !partial && valid.len() < threshold.max(1) as usize {
        return Err(VerifyError::ThresholdNotMet {
            environment: env.to_owned(),
            threshold,
            valid: valid.len(),
        });
    }

    // 4. Payload decode (environment and schema first: a newer schema should
    //    say so rather than "malformed").
    let payload: BundlePayload = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            if let Ok(h) = serde_json::from_slice::<Header>(&body) {
                check_header(&h.environment, h.schema_version, env)?;
            }
            return Err(malformed("payload is not a bundle payload", &e));
        }
    };
    // 5. Environment, 6. schema.
    check_header(&payload.environment, payload.schema_version, env)?;
    if strict {
        let canonical = payload
            .canonical_bytes()
            .map_err(|e| malformed("payload", &e))?;
        if canonical != body {
            return Err(VerifyError::Malformed(
                "payload is not in canonical form (RFC 8785)".into(),
            ));
        }
    }
    // 7. Expiry.
    if now >= payload.expires_at {
        return Err(VerifyError::Expired {
            expires_at: payload.expires_at,
            now,
        });
    }
    Ok(Verified {
        digest: digest_of(&body),
        payload,
        keyids: valid.into_iter().collect(),
    })
}

fn check_header(environment: &str, schema_version: u32, env: &str) -> Result<(), VerifyError> {
    if environment != env {
        return Err(VerifyError::WrongEnvironment {
            expected: env.to_owned(),
            found: environment.to_owned(),
        });
    }
    if schema_version != BUNDLE_SCHEMA_VERSION {
        return Err(VerifyError::UnsupportedSchema {
            found: schema_version,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use ed25519_dalek::{Signer as _, SigningKey};

    use super::*;
    use crate::build::build;
    use crate::build::tests::{key, payload, ts};
    use crate::dsse::EnvelopeSignature;

    const NOW: &str = "2026-03-10T00:00:00Z";
    const CREATED_PLUS_ONE: &str = "2026-03-01T09:30:01Z";

    fn trust(keys: &[&SigningKey], threshold: u32) -> TrustFile {
        let mut t = TrustFile::default();
        for (i, k) in keys.iter().enumerate() {
            t.trust("production", &format!("k{i}"), &k.verifying_key());
        }
        t.environments.get_mut("production").unwrap().threshold = threshold;
        t
    }

    fn signed(p: &BundlePayload, keys: &[&SigningKey]) -> Vec<u8> {
        build(p, keys).unwrap().envelope.to_json()
    }

    fn code(r: Result<Verified, VerifyError>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    /// Sign arbitrary payload bytes, as an attacker holding a trusted key could.
    fn sign_raw(body: &[u8], k: &SigningKey) -> Vec<u8> {
        let sig = k.sign(&pae(PAYLOAD_TYPE, body));
        Envelope {
            payload_type: PAYLOAD_TYPE.into(),
            payload: B64.encode(body),
            signatures: vec![EnvelopeSignature {
                keyid: KeyId::of(&k.verifying_key()),
                sig: B64.encode(sig.to_bytes()),
            }],
        }
        .to_json()
    }

    #[test]
    fn built_bundle_verifies_round_trip() {
        let (k, p) = (key(1), payload());
        let built = build(&p, &[&k]).unwrap();
        let v = verify(
            &built.envelope.to_json(),
            &trust(&[&k], 1),
            "production",
            ts(NOW),
        )
        .unwrap();
        assert_eq!(v.payload, p);
        assert_eq!(v.digest, built.digest);
        assert_eq!(v.keyids, vec![KeyId::of(&k.verifying_key())]);
    }

    #[test]
    fn tampered_payload_is_bad_signature() {
        let k = key(1);
        let mut env: Envelope = serde_json::from_slice(&signed(&payload(), &[&k])).unwrap();
        let mut body = B64.decode(&env.payload).unwrap();
        let i = body.windows(5).position(|w| w == b"ws-00").unwrap();
        body[i + 3] ^= 0x01; // "ws-0001" -> "ws-1001"
        env.payload = B64.encode(&body);
        let err = verify(&env.to_json(), &trust(&[&k], 1), "production", ts(NOW)).unwrap_err();
        assert_eq!(err.code(), "bad_signature");
        assert!(
            err.to_string()
                .contains(KeyId::of(&k.verifying_key()).as_str())
        );
    }

    #[test]
    fn signature_by_an_untrusted_key_is_untrusted_key() {
        let (trusted, stranger) = (key(1), key(2));
        let bytes = signed(&payload(), &[&stranger]);
        assert_eq!(
            code(verify(
                &bytes,
                &trust(&[&trusted], 1),
                "production",
                ts(NOW)
            )),
            "untrusted_key"
        );
        // An environment the trust file does not know trusts nobody.
        let err = verify(&bytes, &trust(&[&stranger], 1), "staging", ts(NOW)).unwrap_err();
        assert_eq!(err.code(), "untrusted_key");
        assert!(err.to_string().contains("no such environment"), "{err}");
    }

    #[test]
    fn untrusted_signatures_do_not_count_and_cannot_break_a_trusted_one() {
        let (trusted, stranger) = (key(1), key(2));
        let mut env: Envelope = serde_json::from_slice(&signed(&payload(), &[&trusted])).unwrap();
        env.signatures.push(EnvelopeSignature {
            keyid: KeyId::of(&stranger.verifying_key()),
            sig: "garbage".into(),
        });
        env.signatures.push(EnvelopeSignature {
            keyid: KeyId::default(),
            sig: "AAAA".into(),
        });
        assert_eq!(
            code(verify(
                &env.to_json(),
                &trust(&[&trusted], 1),
                "production",
                ts(NOW)
            )),
            "ok"
        );
    }

    #[test]
    fn threshold_two_needs_two_distinct_trusted_keys() {
        let (a, b) = (key(1), key(2));
        let t = trust(&[&a, &b], 2);
        let one = signed(&payload(), &[&a]);
        let err = verify(&one, &t, "production", ts(NOW)).unwrap_err();
        assert_eq!(err.code(), "threshold_not_met");
        assert_eq!(
            err.to_string(),
            "1 valid signature(s) by keys trusted for production, 2 required"
        );
        // The same key twice is still one key.
        let mut env: Envelope = serde_json::from_slice(&one).unwrap();
        env.signatures.push(env.signatures[0].clone());
        assert_eq!(
            code(verify(&env.to_json(), &t, "production", ts(NOW))),
            "threshold_not_met"
        );
        let v = verify(&signed(&payload(), &[&a, &b]), &t, "production", ts(NOW)).unwrap();
        assert_eq!(v.keyids.len(), 2);
    }

    #[test]
    fn partial_verification_accepts_fewer_than_the_threshold_but_not_bad_signatures() {
        let (a, b, stranger) = (key(1), key(2), key(3));
        let t = trust(&[&a, &b], 2);
        let one = signed(&payload(), &[&a]);
        let v = verify_partial(&one, &t, "production", ts(NOW)).unwrap();
        assert_eq!(v.keyids, vec![KeyId::of(&a.verifying_key())]);
        assert_eq!(
            code(verify_partial(&signed(&payload(), &[&stranger]), &t, "production", ts(NOW))),
            "untrusted_key"
        );
        let mut env: Envelope = serde_json::from_slice(&one).unwrap();
        let mut forged = crate::build::cosign(&env, &stranger).unwrap();
        forged.keyid = KeyId::of(&b.verifying_key());
        env.signatures.push(forged);
        assert_eq!(
            code(verify_partial(&env.to_json(), &t, "production", ts(NOW))),
            "bad_signature"
        );
        let mut late = payload();
        late.expires_at = ts(CREATED_PLUS_ONE);
        assert_eq!(
            code(verify_partial(&signed(&late, &[&a]), &t, "production", ts(NOW))),
            "expired"
        );
    }

    #[test]
    fn bundle_for_another_environment_is_wrong_environment() {
        let k = key(1);
        let mut p = payload();
        p.environment = "staging".into();
        let err = verify(&signed(&p, &[&k]), &trust(&[&k], 1), "production", ts(NOW)).unwrap_err();
        assert_eq!(err.code(), "wrong_environment");
        assert!(err.to_string().contains("staging"));
    }

    #[test]
    fn bundle_at_or_after_expires_at_is_expired() {
        let k = key(1);
        let bytes = signed(&payload(), &[&k]);
        let t = trust(&[&k], 1);
        assert_eq!(
            code(verify(&bytes, &t, "production", ts("2026-03-31T09:29:59Z"))),
            "ok"
        );
        assert_eq!(
            code(verify(&bytes, &t, "production", ts("2026-03-31T09:30:00Z"))),
            "expired"
        );
    }

    #[test]
    fn unknown_schema_version_is_unsupported_schema() {
        let k = key(1);
        let mut p = payload();
        p.schema_version = 2;
        assert_eq!(
            code(verify(
                &signed(&p, &[&k]),
                &trust(&[&k], 1),
                "production",
                ts(NOW)
            )),
            "unsupported_schema"
        );
        // A future payload shape that does not decode still says so.
        let body = br#"{"environment":"production","rules":{"v2":true},"schema_version":2}"#;
        assert_eq!(
            code(verify(
                &sign_raw(body, &k),
                &trust(&[&k], 1),
                "production",
                ts(NOW)
            )),
            "unsupported_schema"
        );
    }

    #[test]
    fn signed_but_non_canonical_payload_is_malformed() {
        let k = key(1);
        let p = payload();
        let pretty = serde_json::to_vec_pretty(&p).unwrap();
        let err = verify_strict(
            &sign_raw(&pretty, &k),
            &trust(&[&k], 1),
            "production",
            ts(NOW),
        )
        .unwrap_err();
        assert_eq!(err.code(), "malformed");
        assert!(err.to_string().contains("canonical"), "{err}");
        // The service's verify takes the signed bytes as they are (the
        // digest is over them), so the same envelope passes there.
        assert!(verify(&sign_raw(&pretty, &k), &trust(&[&k], 1), "production", ts(NOW)).is_ok());
        // An extra field is dropped on decode, so the bytes no longer match.
        let mut v = serde_json::to_value(&p).unwrap();
        v["extra"] = serde_json::json!(1);
        let body = serde_json_canonicalizer::to_vec(&v).unwrap();
        assert_eq!(
            code(verify_strict(
                &sign_raw(&body, &k),
                &trust(&[&k], 1),
                "production",
                ts(NOW)
            )),
            "malformed"
        );
        assert_eq!(
            code(verify(
                &sign_raw(b"[]", &k),
                &trust(&[&k], 1),
                "production",
                ts(NOW)
            )),
            "malformed"
        );
    }

    #[test]
    fn envelope_level_errors_come_first() {
        let k = key(1);
        let t = trust(&[&k], 1);
        assert_eq!(
            code(verify(b"not json", &t, "production", ts(NOW))),
            "malformed"
        );
        assert_eq!(
            code(verify(br#"{"payload": "e30="}"#, &t, "production", ts(NOW))),
            "malformed"
        );
        let mut env: Envelope = serde_json::from_slice(&signed(&payload(), &[&k])).unwrap();
        env.payload_type = "application/json".into();
        assert_eq!(
            code(verify(&env.to_json(), &t, "production", ts(NOW))),
            "wrong_payload_type"
        );
        let mut env: Envelope = serde_json::from_slice(&signed(&payload(), &[&k])).unwrap();
        env.payload.insert(0, '!');
        assert_eq!(
            code(verify(&env.to_json(), &t, "production", ts(NOW))),
            "malformed"
        );
        let mut env: Envelope = serde_json::from_slice(&signed(&payload(), &[&k])).unwrap();
        env.signatures[0].sig = B64.encode([0u8; 10]);
        assert_eq!(
            code(verify(&env.to_json(), &t, "production", ts(NOW))),
            "bad_signature"
        );
        // Signature checks come before expiry and environment.
        let mut p = payload();
        p.environment = "staging".into();
        let bytes = signed(&p, &[&key(9)]);
        assert_eq!(
            code(verify(&bytes, &t, "production", ts("2030-01-01T00:00:00Z"))),
            "untrusted_key"
        );
    }

    #[test]
    fn codes_are_stable() {
        let all = [
            VerifyError::Malformed(String::new()),
            VerifyError::WrongPayloadType {
                found: String::new(),
            },
            VerifyError::BadSignature {
                keyid: KeyId::default(),
            },
            VerifyError::UntrustedKey {
                environment: String::new(),
                environment_known: true,
            },
            VerifyError::ThresholdNotMet {
                environment: String::new(),
                threshold: 2,
                valid: 1,
            },
            VerifyError::WrongEnvironment {
                expected: String::new(),
                found: String::new(),
            },
            VerifyError::Expired {
                expires_at: Timestamp::UNIX_EPOCH,
                now: Timestamp::UNIX_EPOCH,
            },
            VerifyError::UnsupportedSchema { found: 2 },
        ];
        let codes: Vec<_> = all.iter().map(VerifyError::code).collect();
        assert_eq!(
            codes,
            [
                "malformed",
                "wrong_payload_type",
                "bad_signature",
                "untrusted_key",
                "threshold_not_met",
                "wrong_environment",
                "expired",
                "unsupported_schema"
            ]
        );
    }
}
