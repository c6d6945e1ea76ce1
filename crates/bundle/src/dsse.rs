//! The DSSE envelope (<https://github.com/secure-systems-lab/dsse>) and its
//! pre-authentication encoding.

use serde::{Deserialize, Serialize};

use crate::keyid::KeyId;

/// The DSSE `payloadType` of a Tailor bundle.
pub const PAYLOAD_TYPE: &str = "application/vnd.tailor.bundle+json";

/// A DSSE envelope: the canonical payload (standard padded base64) and
/// signatures over `pae(payloadType, payload bytes)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Standard, padded base64 of the canonical payload bytes.
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature: the signer's keyid and the base64 Ed25519 signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// DSSE makes the keyid optional; a signature without one is never trusted.
    #[serde(default)]
    pub keyid: KeyId,
    /// Standard, padded base64 of the 64-byte signature.
    pub sig: String,
}

impl Envelope {
    /// The envelope as compact JSON (what `tailor bundle build` writes).
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an envelope is plain strings")
    }
}

/// DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN being the ASCII
/// decimal byte length. Signatures are computed over these bytes.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let type_len = payload_type.len().to_string();
    let body_len = body.len().to_string();
    let mut out =
        Vec::with_capacity(10 + type_len.len() + payload_type.len() + body_len.len() + body.len());
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // The example from the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        // Ours, by hand: the type is 34 bytes long.
        assert_eq!(PAYLOAD_TYPE.len(), 34);
        assert_eq!(
            pae(PAYLOAD_TYPE, b"{}"),
            b"DSSEv1 34 application/vnd.tailor.bundle+json 2 {}".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
        // Lengths are bytes, not characters.
        assert_eq!(pae("t", "é".as_bytes()), b"DSSEv1 1 t 2 \xc3\xa9".to_vec());
    }

    #[test]
    fn envelope_uses_dsse_field_names() {
        let e = Envelope {
            payload_type: PAYLOAD_TYPE.into(),
            payload: "e30=".into(),
            signatures: vec![EnvelopeSignature {
                keyid: KeyId("ab".into()),
                sig: "c2ln".into(),
            }],
        };
        let json: serde_json::Value = serde_json::from_slice(&e.to_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"payloadType": PAYLOAD_TYPE, "payload": "e30=", "signatures": [{"keyid": "ab", "sig": "c2ln"}]})
        );
    }
}

/// The payload of an envelope this program stored after verifying it (a
/// workspace's published and pulled bundles), decoded without checking the
/// signatures again. Anything received from elsewhere goes through
/// [`crate::verify`].
pub fn payload_of_envelope(envelope: &[u8]) -> Result<crate::BundlePayload, String> {
    use base64::Engine as _;
    let env: Envelope = serde_json::from_slice(envelope).map_err(|e| format!("stored envelope: {e}"))?;
    let bytes = crate::B64.decode(&env.payload).map_err(|e| format!("stored envelope: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("stored payload: {e}"))
}
