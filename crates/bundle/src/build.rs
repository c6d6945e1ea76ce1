//! Building a bundle: canonical payload, digest, DSSE signatures.

use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};

use crate::B64;
use crate::dsse::{Envelope, EnvelopeSignature, PAYLOAD_TYPE, pae};
use crate::keyid::KeyId;
use crate::payload::{BundlePayload, CanonicalError, digest_of};

/// A signed bundle.
#[derive(Clone, Debug)]
pub struct Built {
    pub envelope: Envelope,
    /// `sha256:` + hex of the canonical payload.
    pub digest: String,
    /// Length in bytes of the canonical payload.
    pub canonical_len: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("a bundle needs at least one signing key")]
    NoSigner,
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("expires_at ({expires_at}) must be after created_at ({created_at})")]
    ExpiresBeforeCreated {
        created_at: jiff::Timestamp,
        expires_at: jiff::Timestamp,
    },
    /// Canonical JSON writes every number as a double: integers beyond 2^53
    /// (a version, a priority, a stock count) would not read back as written,
    /// and a non-finite float would be written as `null`.
    #[error(
        "the payload does not read back identically from canonical JSON ({reason}); integers must stay within ±2^53 and numbers must be finite"
    )]
    NotRoundTrip { reason: String },
    #[error("the envelope cannot be signed: {0}")]
    BadEnvelope(String),
}

/// Canonicalise `payload`, sign it with every key in `signers` (one DSSE
/// signature each, in order; duplicates are signed once) and return the
/// envelope with the payload's digest.
///
/// The payload is checked to read back identically from its canonical bytes,
/// so whatever `build` signs, [`crate::verify`] can decode.
pub fn build(payload: &BundlePayload, signers: &[&SigningKey]) -> Result<Built, BundleError> {
    if signers.is_empty() {
        return Err(BundleError::NoSigner);
    }
    if payload.expires_at <= payload.created_at {
        return Err(BundleError::ExpiresBeforeCreated {
            created_at: payload.created_at,
            expires_at: payload.expires_at,
        });
    }
    let canonical = payload.canonical_bytes()?;
    let reread: BundlePayload =
        serde_json::from_slice(&canonical).map_err(|e| BundleError::NotRoundTrip {
            reason: e.to_string(),
        })?;
    if reread != *payload {
        return Err(BundleError::NotRoundTrip {
            reason: "a value changed".into(),
        });
    }

    let message = pae(PAYLOAD_TYPE, &canonical);
    let mut signatures: Vec<EnvelopeSignature> = Vec::with_capacity(signers.len());
    for key in signers {
        let keyid = KeyId::of(&key.verifying_key());
        if signatures.iter().any(|s| s.keyid == keyid) {
            continue;
        }
        let sig = key.sign(&message);
        signatures.push(EnvelopeSignature {
            keyid,
            sig: B64.encode(sig.to_bytes()),
        });
    }
    Ok(Built {
        digest: digest_of(&canonical),
        canonical_len: canonical.len(),
        envelope: Envelope {
            payload_type: PAYLOAD_TYPE.into(),
            payload: B64.encode(&canonical),
            signatures,
        },
    })
}

/// A further signature over an envelope's payload (DSSE PAE over the same
/// bytes, so the digest does not change): what an approver adds to a
/// bundle someone else built. The envelope is not verified here; the
/// approver verifies it first, and the service checks every signature.
pub fn cosign(envelope: &Envelope, key: &SigningKey) -> Result<EnvelopeSignature, BundleError> {
    let body = B64
        .decode(envelope.payload.as_bytes())
        .map_err(|e| BundleError::BadEnvelope(format!("the payload is not base64: {e}")))?;
    let sig = key.sign(&pae(&envelope.payload_type, &body));
    Ok(EnvelopeSignature {
        keyid: KeyId::of(&key.verifying_key()),
        sig: B64.encode(sig.to_bytes()),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use jiff::Timestamp;
    use tailor_model::condition::parse;
    use tailor_model::plan::{
        Content, ContentBody, Doc, EntryContent, EntryStatus, PageType, Placement, PlacementKind,
        PlanEntry, Product, Stage,
    };
    use tailor_model::spec::Snapshot;
    use tailor_model::{AttrType, Attribute, Segment, SegmentName};

    use super::*;
    use crate::payload::{Approval, BUNDLE_SCHEMA_VERSION};

    pub(crate) const CREATED: &str = "2026-03-01T09:30:00Z";
    pub(crate) const EXPIRES: &str = "2026-03-31T09:30:00Z";

    pub(crate) fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A small hand-built snapshot: one segment, one page, one entry, two products.
    pub(crate) fn snapshot() -> Snapshot {
        let mut visitor = Attribute::new("visitor_type", AttrType::Enum);
        visitor.values = vec!["new".into(), "returning".into()];
        Snapshot {
            attributes: vec![visitor],
            segments: vec![Segment {
                name: SegmentName("returning".into()),
                condition: parse(r#"visitor_type = "returning""#).unwrap(),
                owner: Some("ana".into()),
                description: None,
                review_by: None,
                doc: Default::default(),
            }],
            stages: vec![Stage {
                name: "discovery".into(),
                description: None,
            }],
            page_types: vec![PageType {
                name: "home".into(),
                stage: "discovery".into(),
                max_blocks: 2,
                placements: vec![Placement {
                    name: "hero".into(),
                    kind: PlacementKind::Banner,
                    default: Some("hero_generic".into()),
                }],
            }],
            content: vec![
                banner("hero_generic", "New season"),
                banner("hero_back", "Welcome back — ünïcødé ✓"),
            ],
            campaigns: vec![],
            plan: vec![PlanEntry {
                id: "returning_hero".into(),
                segment: SegmentName("returning".into()),
                stage: "discovery".into(),
                placement: "home.hero".into(),
                content: EntryContent::Single {
                    content: "hero_back".into(),
                },
                priority: 5,
                holdout: 10.5,
                campaign: None,
                schedule: None,
                goal: None,
                owner: None,
                review_by: None,
                status: EntryStatus::Active,
                doc: Doc::default(),
            }],
            constraints: Default::default(),
            catalog: vec![product("sku-1", 19.99, 0.35), product("sku-2", 1e21, 0.1)],
        }
    }

    fn banner(id: &str, headline: &str) -> Content {
        Content {
            id: id.into(),
            body: ContentBody::Banner {
                headline: headline.into(),
                body: None,
                image_url: None,
                link: None,
            },
            owner: None,
            review_by: None,
            tags: vec![],
            doc: Doc::default(),
        }
    }

    fn product(id: &str, price: f64, margin: f64) -> Product {
        Product {
            id: id.into(),
            title: format!("Product {id}"),
            category: Some("shirts".into()),
            price: Some(price),
            cost: None,
            margin: Some(margin),
            stock: Some(12),
            collection: None,
            tags: vec!["linen".into()],
            attributes: [("colour".to_owned(), "blue".to_owned())].into(),
            reorder_interval_days: None,
            rank: Some(1),
            image_url: None,
            updated: None,
        }
    }

    pub(crate) fn payload() -> BundlePayload {
        BundlePayload {
            schema_version: BUNDLE_SCHEMA_VERSION,
            workspace_id: "ws-0001".into(),
            environment: "production".into(),
            version: 7,
            created_at: ts(CREATED),
            expires_at: ts(EXPIRES),
            parent_digest: Some(format!("sha256:{}", "0".repeat(64))),
            overwrites: None,
            author: "ana".into(),
            approvals: vec![Approval {
                by: "bo".into(),
                at: ts(CREATED),
                note: Some("lgtm".into()),
            }],
            promoted_from: None,
            rules: snapshot(),
        }
    }

    pub(crate) fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn build_signs_the_pae_of_the_canonical_payload() {
        let p = payload();
        let k = key(1);
        let built = build(&p, &[&k]).unwrap();
        let canonical = p.canonical_bytes().unwrap();
        assert_eq!(built.envelope.payload_type, PAYLOAD_TYPE);
        assert_eq!(B64.decode(&built.envelope.payload).unwrap(), canonical);
        assert_eq!(built.digest, p.digest().unwrap());
        assert_eq!(built.canonical_len, canonical.len());
        assert_eq!(built.envelope.signatures.len(), 1);
        let sig = &built.envelope.signatures[0];
        assert_eq!(sig.keyid, KeyId::of(&k.verifying_key()));
        let bytes: [u8; 64] = B64.decode(&sig.sig).unwrap().try_into().unwrap();
        k.verifying_key()
            .verify_strict(
                &pae(PAYLOAD_TYPE, &canonical),
                &ed25519_dalek::Signature::from_bytes(&bytes),
            )
            .unwrap();
    }

    #[test]
    fn cosign_adds_a_second_signature_over_the_same_payload() {
        let (a, b) = (key(1), key(2));
        let mut one = build(&payload(), &[&a]).unwrap();
        let both = build(&payload(), &[&a, &b]).unwrap();
        one.envelope.signatures.push(cosign(&one.envelope, &b).unwrap());
        assert_eq!(one.envelope, both.envelope, "same payload, same digest, one more signature");
    }

    #[test]
    fn build_is_deterministic_and_signs_each_key_once() {
        let (a, b) = (key(1), key(2));
        let one = build(&payload(), &[&a, &b, &a]).unwrap();
        let two = build(&payload(), &[&a, &b]).unwrap();
        assert_eq!(one.envelope, two.envelope);
        assert_eq!(one.envelope.signatures.len(), 2);
    }

    #[test]
    fn build_refuses_no_signer_bad_expiry_and_unrepresentable_integers() {
        assert!(matches!(build(&payload(), &[]), Err(BundleError::NoSigner)));
        let mut p = payload();
        p.expires_at = p.created_at;
        assert!(matches!(
            build(&p, &[&key(1)]),
            Err(BundleError::ExpiresBeforeCreated { .. })
        ));
        let mut p = payload();
        p.version = (1 << 53) + 1;
        assert!(
            matches!(build(&p, &[&key(1)]), Err(BundleError::NotRoundTrip { .. })),
            "2^53+1 is not a double"
        );
        let mut p = payload();
        p.rules.plan[0].priority = i64::MAX;
        assert!(matches!(
            build(&p, &[&key(1)]),
            Err(BundleError::NotRoundTrip { .. })
        ));
        let mut p = payload();
        p.rules.catalog[0].price = Some(f64::INFINITY);
        // serde_json writes a non-finite float as null: the round trip catches it.
        assert!(matches!(
            build(&p, &[&key(1)]),
            Err(BundleError::NotRoundTrip { .. })
        ));
    }
}
