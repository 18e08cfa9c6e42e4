//! Asymmetric signatures: Ed25519 (Discord, Standard Webhooks `v1a`) and ECDSA P-256 over SHA-256 with a DER
//! signature (SendGrid). The provider signs with a private key nobody else has; a receiver verifies with the
//! public key the provider shows it. hookctl signs only with a private key of the user's own (`hookctl keys
//! generate`), and verifies with either (a private key's public half).
//!
//! Another algorithm (RSA PKCS#1 v1.5 over SHA-256, say) is one more arm in each match below: its key forms,
//! its signature's shape, its sign and verify.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use ed25519_dalek::{Signer as _, Verifier as _};
use serde::Deserialize;

use super::mac::decode_base64;
use crate::secret::Secret;

/// An asymmetric signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asymmetric {
    Ed25519,
    /// ECDSA on P-256 over the SHA-256 of the message, the signature DER-encoded.
    EcdsaP256Sha256,
}

impl fmt::Display for Asymmetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ed25519 => "Ed25519",
            Self::EcdsaP256Sha256 => "ECDSA P-256/SHA-256",
        })
    }
}

/// How a provider shows its public key to the apps that verify its deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublicKeyForm {
    /// The raw key in hex (Discord's 64 hex characters).
    #[default]
    Hex,
    /// The raw key in base64 (Standard Webhooks' `whpk_…`, after its prefix).
    Base64,
    /// The DER SubjectPublicKeyInfo in base64, a PEM without its armour (SendGrid's `MFkw…`).
    SpkiBase64,
}

/// How `hookctl keys generate` writes a private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrivateKeyForm {
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which openssl and every crypto library read.
    #[default]
    Pem,
    /// The raw private key in base64 (Standard Webhooks' `whsk_…`, after its prefix).
    Base64,
}

/// The forms a provider's keys are written in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyForms {
    pub public: PublicKeyForm,
    /// Text before the public key (`whpk_`).
    pub public_prefix: Option<String>,
    pub private: PrivateKeyForm,
    /// Text before the private key (`whsk_`).
    pub private_prefix: Option<String>,
}

/// A private key: it signs.
#[derive(Clone)]
pub enum PrivateKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

/// A public key: it verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

/// A key as the user gave it: either half.
#[derive(Clone)]
pub enum Key {
    Private(PrivateKey),
    Public(PublicKey),
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(redacted)")
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Private(_) => f.write_str("Key::Private(redacted)"),
            Self::Public(public) => write!(f, "Key::Public({public:?})"),
        }
    }
}

/// Why a signature does not verify, when that much is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The bytes are not a signature of this algorithm at all: what was expected.
    Malformed(String),
    /// A well-formed signature that this key did not make over these bytes.
    Invalid,
}

impl Asymmetric {
    /// Whether `bytes` have the shape of this algorithm's signature (not whether it verifies).
    pub fn well_formed(self, bytes: &[u8]) -> bool {
        self.parse_signature(bytes).is_ok()
    }

    /// What is wrong with `bytes` as a signature of this algorithm, if anything.
    pub fn signature_problem(self, bytes: &[u8]) -> Option<String> {
        self.parse_signature(bytes).err()
    }

    /// What one signature is, for "expected …" messages: `64 bytes`, `a DER ECDSA signature (70 to 72 bytes)`.
    pub fn signature_shape(self) -> &'static str {
        match self {
            Self::Ed25519 => "64 bytes",
            Self::EcdsaP256Sha256 => "a DER-encoded ECDSA signature (8 to 72 bytes, usually 70 to 72)",
        }
    }

    /// The usual length in bytes of a signature, for "N characters" descriptions.
    pub fn signature_len(self) -> usize {
        match self {
            Self::Ed25519 => 64,
            Self::EcdsaP256Sha256 => 71,
        }
    }

    fn parse_signature(self, bytes: &[u8]) -> Result<(), String> {
        match self {
            Self::Ed25519 if bytes.len() == 64 => Ok(()),
            Self::Ed25519 => Err(format!("an Ed25519 signature is 64 bytes, this is {}", bytes.len())),
            Self::EcdsaP256Sha256 => p256::ecdsa::Signature::from_der(bytes).map(drop).map_err(|_| {
                if bytes.len() == 64 {
                    "64 bytes that are not DER: a raw r‖s signature (as WebCrypto makes), not the DER encoding".into()
                } else {
                    format!("{} bytes that are not a DER-encoded ECDSA signature", bytes.len())
                }
            }),
        }
    }

    /// A new random private key.
    pub fn generate(self) -> Result<PrivateKey, String> {
        let mut seed = [0u8; 32];
        loop {
            getrandom::fill(&mut seed).map_err(|e| format!("the system's random source failed: {e}"))?;
            match self {
                Self::Ed25519 => return Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))),
                // A 32-byte value is a P-256 scalar unless it is zero or past the group order (2^-32 odds).
                Self::EcdsaP256Sha256 => {
                    if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&seed) {
                        return Ok(PrivateKey::P256(key));
                    }
                }
            }
        }
    }

    /// Reads a key in any form hookctl knows for this algorithm: the provider's own forms (`forms`), PEM
    /// (PKCS#8, SEC1 or SubjectPublicKeyInfo), the same DER in base64 or hex, or the raw key in hex or base64.
    /// The error says what was expected and never repeats the key.
    pub fn read_key(self, text: &str, forms: &KeyForms) -> Result<Key, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the key is empty".into());
        }
        if text.starts_with("-----BEGIN") {
            return self.read_pem(text);
        }
        if let Some(rest) = forms.private_prefix.as_deref().and_then(|p| text.strip_prefix(p)) {
            let bytes = decode_base64(rest).ok_or("the text after the private key's prefix is not base64")?;
            return self.raw_private(&bytes).map(Key::Private);
        }
        if let Some(rest) = forms.public_prefix.as_deref().and_then(|p| text.strip_prefix(p)) {
            let bytes = decode_base64(rest).ok_or("the text after the public key's prefix is not base64")?;
            return self.raw_public(&bytes).map(Key::Public);
        }
        let hex_digits = text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit());
        let bytes = if hex_digits { hex::decode(text).ok() } else { decode_base64(text) };
        let Some(bytes) = bytes else {
            return Err(format!("it is not hex, base64 or PEM; {}", self.forms_hint(forms)));
        };
        if let Some(key) = self.der(&bytes) {
            return Ok(key);
        }
        self.raw_public(&bytes)
            .map(Key::Public)
            .or_else(|_| match (self, bytes.len()) {
                // libsodium's 64-byte secret key: the seed, then the public key.
                (Self::Ed25519, 64) => self.raw_private(&bytes).map(Key::Private),
                _ => Err(String::new()),
            })
            .map_err(|_| format!("{} bytes that are no {self} key; {}", bytes.len(), self.forms_hint(forms)))
    }

    /// The forms a key is expected in, for errors.
    fn forms_hint(self, forms: &KeyForms) -> String {
        let public = match (forms.public, self) {
            (PublicKeyForm::Hex, Self::Ed25519) => "64 hex characters".to_owned(),
            (PublicKeyForm::Hex, Self::EcdsaP256Sha256) => "the SEC1 point in hex".to_owned(),
            (PublicKeyForm::Base64, _) => "the raw key in base64".to_owned(),
            (PublicKeyForm::SpkiBase64, _) => "base64 DER (`MFkw…` or `MCow…`)".to_owned(),
        };
        let prefix = forms.public_prefix.as_deref().map(|p| format!("`{p}` then ")).unwrap_or_default();
        format!(
            "expected the provider's public key as {prefix}{public}, a PEM key, or the private key `hookctl keys generate` wrote"
        )
    }

    fn read_pem(self, text: &str) -> Result<Key, String> {
        let label = text.lines().next().unwrap_or_default().trim().trim_matches('-').trim();
        let label = label.strip_prefix("BEGIN ").unwrap_or(label);
        let invalid = |what: &str| format!("the PEM block is not a valid {self} {what}");
        match (self, label) {
            (Self::Ed25519, "PRIVATE KEY") => ed25519_dalek::SigningKey::from_pkcs8_pem(text)
                .map(|k| Key::Private(PrivateKey::Ed25519(k)))
                .map_err(|_| invalid("private key")),
            (Self::Ed25519, "PUBLIC KEY") => ed25519_dalek::VerifyingKey::from_public_key_pem(text)
                .map(|k| Key::Public(PublicKey::Ed25519(k)))
                .map_err(|_| invalid("public key")),
            (Self::EcdsaP256Sha256, "PRIVATE KEY") => {
                <p256::ecdsa::SigningKey as p256::pkcs8::DecodePrivateKey>::from_pkcs8_pem(text)
                    .map(|k| Key::Private(PrivateKey::P256(k)))
                    .map_err(|_| invalid("private key"))
            }
            (Self::EcdsaP256Sha256, "EC PRIVATE KEY") => p256::SecretKey::from_sec1_pem(text)
                .map(|k| Key::Private(PrivateKey::P256(k.into())))
                .map_err(|_| invalid("private key")),
            (Self::EcdsaP256Sha256, "PUBLIC KEY") => {
                <p256::ecdsa::VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_pem(text)
                    .map(|k| Key::Public(PublicKey::P256(k)))
                    .map_err(|_| invalid("public key"))
            }
            (_, label) => {
                let shown: String = label.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').take(30).collect();
                Err(format!("a PEM `{shown}` block, not a {self} PRIVATE KEY or PUBLIC KEY"))
            }
        }
    }

    /// A DER PKCS#8 private key or SubjectPublicKeyInfo public key of this algorithm.
    fn der(self, bytes: &[u8]) -> Option<Key> {
        match self {
            Self::Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_der(bytes)
                .map(|k| Key::Private(PrivateKey::Ed25519(k)))
                .or_else(|_| {
                    ed25519_dalek::VerifyingKey::from_public_key_der(bytes).map(|k| Key::Public(PublicKey::Ed25519(k)))
                })
                .ok(),
            Self::EcdsaP256Sha256 => <p256::ecdsa::SigningKey as p256::pkcs8::DecodePrivateKey>::from_pkcs8_der(bytes)
                .map(|k| Key::Private(PrivateKey::P256(k)))
                .or_else(|_| {
                    <p256::ecdsa::VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_der(bytes)
                        .map(|k| Key::Public(PublicKey::P256(k)))
                })
                .ok(),
        }
    }

    fn raw_public(self, bytes: &[u8]) -> Result<PublicKey, String> {
        match self {
            Self::Ed25519 => {
                let array: [u8; 32] =
                    bytes.try_into().map_err(|_| format!("an Ed25519 public key is 32 bytes, not {}", bytes.len()))?;
                ed25519_dalek::VerifyingKey::from_bytes(&array)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| "32 bytes that are not an Ed25519 public key".into())
            }
            Self::EcdsaP256Sha256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
                .map(PublicKey::P256)
                .map_err(|_| format!("{} bytes that are not a P-256 point", bytes.len())),
        }
    }

    fn raw_private(self, bytes: &[u8]) -> Result<PrivateKey, String> {
        match (self, bytes.len()) {
            (Self::Ed25519, 32) => {
                let seed: [u8; 32] = bytes.try_into().map_err(|_| "unreachable".to_owned())?;
                Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed)))
            }
            (Self::Ed25519, 64) => {
                let pair: [u8; 64] = bytes.try_into().map_err(|_| "unreachable".to_owned())?;
                ed25519_dalek::SigningKey::from_keypair_bytes(&pair)
                    .map(PrivateKey::Ed25519)
                    .map_err(|_| "64 bytes whose second half is not the public key of the first".into())
            }
            (Self::EcdsaP256Sha256, 32) => p256::ecdsa::SigningKey::from_slice(bytes)
                .map(PrivateKey::P256)
                .map_err(|_| "32 bytes that are not a P-256 private key".into()),
            (_, len) => Err(format!("a {self} private key is 32 bytes, not {len}")),
        }
    }
}

impl Key {
    pub fn public(&self) -> PublicKey {
        match self {
            Self::Public(public) => public.clone(),
            Self::Private(private) => private.public(),
        }
    }

    pub fn algorithm(&self) -> Asymmetric {
        self.public().algorithm()
    }
}

impl PrivateKey {
    pub fn public(&self) -> PublicKey {
        match self {
            Self::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            Self::P256(key) => PublicKey::P256(*key.verifying_key()),
        }
    }

    /// The signature of `message`: Ed25519's 64 bytes, or ECDSA's DER (deterministic, RFC 6979).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::Ed25519(key) => key.sign(message).to_bytes().to_vec(),
            Self::P256(key) => {
                let signature: p256::ecdsa::DerSignature = p256::ecdsa::signature::Signer::sign(key, message);
                signature.as_bytes().to_vec()
            }
        }
    }

    /// The key as `hookctl keys generate` writes it: PKCS#8 PEM, or the raw key in base64 after a prefix.
    pub fn serialise(&self, forms: &KeyForms) -> Secret {
        let prefix = forms.private_prefix.as_deref().unwrap_or_default();
        match forms.private {
            PrivateKeyForm::Base64 => {
                let raw = match self {
                    Self::Ed25519(key) => key.to_bytes().to_vec(),
                    Self::P256(key) => key.to_bytes().to_vec(),
                };
                Secret::new(format!("{prefix}{}", STANDARD.encode(raw)))
            }
            PrivateKeyForm::Pem => {
                let ending = ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF;
                let pem = match self {
                    Self::Ed25519(key) => key.to_pkcs8_pem(ending),
                    Self::P256(key) => p256::pkcs8::EncodePrivateKey::to_pkcs8_pem(key, ending),
                };
                Secret::new(pem.map(|p| p.to_string()).unwrap_or_default())
            }
        }
    }
}

impl PublicKey {
    pub fn algorithm(&self) -> Asymmetric {
        match self {
            Self::Ed25519(_) => Asymmetric::Ed25519,
            Self::P256(_) => Asymmetric::EcdsaP256Sha256,
        }
    }

    /// Checks `signature` over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Rejection> {
        self.algorithm().parse_signature(signature).map_err(Rejection::Malformed)?;
        let verified = match self {
            Self::Ed25519(key) => {
                let signature = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| Rejection::Malformed("not an Ed25519 signature".into()))?;
                key.verify(message, &signature).is_ok()
            }
            Self::P256(key) => {
                let signature = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| Rejection::Malformed("not a DER-encoded ECDSA signature".into()))?;
                p256::ecdsa::signature::Verifier::verify(key, message, &signature).is_ok()
            }
        };
        if verified { Ok(()) } else { Err(Rejection::Invalid) }
    }

    /// The raw key: Ed25519's 32 bytes, or P-256's uncompressed SEC1 point.
    fn raw(&self) -> Vec<u8> {
        match self {
            Self::Ed25519(key) => key.to_bytes().to_vec(),
            Self::P256(key) => key.to_sec1_bytes().to_vec(),
        }
    }

    /// The DER SubjectPublicKeyInfo.
    fn spki(&self) -> Vec<u8> {
        let der = match self {
            Self::Ed25519(key) => key.to_public_key_der(),
            Self::P256(key) => p256::pkcs8::EncodePublicKey::to_public_key_der(key),
        };
        der.map(|d| d.as_bytes().to_vec()).unwrap_or_default()
    }

    /// The key in the form the provider shows it, and an app configures: Discord's hex, SendGrid's base64 DER,
    /// Standard Webhooks' `whpk_…`.
    pub fn show(&self, forms: &KeyForms) -> String {
        let prefix = forms.public_prefix.as_deref().unwrap_or_default();
        let body = match forms.public {
            PublicKeyForm::Hex => hex::encode(self.raw()),
            PublicKeyForm::Base64 => STANDARD.encode(self.raw()),
            PublicKeyForm::SpkiBase64 => STANDARD.encode(self.spki()),
        };
        format!("{prefix}{body}")
    }

    /// A short fingerprint, the same whichever half of the pair it is computed from: the first 8 hex digits of
    /// the SHA-256 of the DER SubjectPublicKeyInfo.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        hex::encode(&sha2::Sha256::digest(self.spki())[..4])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms() -> KeyForms {
        KeyForms::default()
    }

    #[test]
    fn sendgrids_published_vector_verifies() {
        // sendgrid-python test/unit/test_eventwebhook.py: the payload ends with CRLF.
        let key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
        let signature =
            "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
        let payload = "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";
        let Key::Public(public) = Asymmetric::EcdsaP256Sha256.read_key(key, &forms()).expect("reads") else {
            panic!("a public key")
        };
        let signature = decode_base64(signature).expect("base64");
        let message = format!("1600112502{payload}");
        assert_eq!(public.verify(message.as_bytes(), &signature), Ok(()));
        let tampered = format!("1600112502{}", payload.trim_end());
        assert_eq!(public.verify(tampered.as_bytes(), &signature), Err(Rejection::Invalid));
        let forms = KeyForms { public: PublicKeyForm::SpkiBase64, ..forms() };
        assert_eq!(public.show(&forms), key, "shown as SendGrid shows it");
    }

    #[test]
    fn rfc8032_test_1_signs_and_verifies() {
        // RFC 8032 §7.1, TEST 1: the empty message.
        let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        let public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        let expected = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
        let forms = KeyForms { private: PrivateKeyForm::Base64, private_prefix: Some("whsk_".into()), ..forms() };
        let private = format!("whsk_{}", STANDARD.encode(hex::decode(seed).expect("hex")));
        let Key::Private(private) = Asymmetric::Ed25519.read_key(&private, &forms).expect("reads") else {
            panic!("a private key")
        };
        assert_eq!(hex::encode(private.sign(b"")), expected);
        assert_eq!(private.public().show(&forms), public, "Discord's hex form");
        let Key::Public(read) = Asymmetric::Ed25519.read_key(public, &forms).expect("reads") else {
            panic!("64 hex characters are the public key")
        };
        assert_eq!(read.verify(b"", &hex::decode(expected).expect("hex")), Ok(()));
        assert_eq!(read.verify(b"x", &hex::decode(expected).expect("hex")), Err(Rejection::Invalid));
        assert!(matches!(read.verify(b"", &[0; 63]), Err(Rejection::Malformed(_))));
    }

    #[test]
    fn generated_keys_round_trip_through_their_written_forms() {
        for algorithm in [Asymmetric::Ed25519, Asymmetric::EcdsaP256Sha256] {
            for forms in [
                KeyForms::default(),
                KeyForms {
                    public: PublicKeyForm::Base64,
                    public_prefix: Some("whpk_".into()),
                    private: PrivateKeyForm::Base64,
                    private_prefix: Some("whsk_".into()),
                },
                KeyForms { public: PublicKeyForm::SpkiBase64, ..KeyForms::default() },
            ] {
                let private = algorithm.generate().expect("random");
                let written = private.serialise(&forms);
                let Key::Private(read) = algorithm.read_key(written.expose(), &forms).expect("reads its own") else {
                    panic!("{algorithm}: the written private key reads back as private")
                };
                let shown = private.public().show(&forms);
                let Key::Public(public) = algorithm.read_key(&shown, &forms).expect("reads the public form") else {
                    panic!("{algorithm}: {shown} reads back as public")
                };
                assert_eq!(read.public(), public);
                assert_eq!(read.public().fingerprint(), public.fingerprint());
                let signature = read.sign(b"1700000000{\"a\":1}");
                assert!(algorithm.well_formed(&signature));
                assert_eq!(public.verify(b"1700000000{\"a\":1}", &signature), Ok(()));
                let other = algorithm.generate().expect("random").public();
                assert_eq!(other.verify(b"1700000000{\"a\":1}", &signature), Err(Rejection::Invalid));
            }
        }
    }

    #[test]
    fn unreadable_keys_say_what_was_expected_without_repeating_them() {
        let forms = KeyForms::default();
        for text in
            ["not a key at all!", "abcd", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"]
        {
            let error = Asymmetric::Ed25519.read_key(text, &forms).expect_err(text);
            assert!(!error.contains(text), "{error}");
            assert!(error.contains("expected") || error.contains("PEM"), "{error}");
        }
        let error = Asymmetric::EcdsaP256Sha256.read_key(&"ab".repeat(32), &forms).expect_err("32 bytes");
        assert!(error.contains("32 bytes that are no ECDSA P-256/SHA-256 key"), "{error}");
    }

    #[test]
    fn a_raw_ecdsa_signature_is_malformed_and_says_so() {
        let key = Asymmetric::EcdsaP256Sha256.generate().expect("random");
        let der = key.sign(b"m");
        let signature = p256::ecdsa::Signature::from_der(&der).expect("der");
        let raw = signature.to_bytes().to_vec();
        match key.public().verify(b"m", &raw) {
            Err(Rejection::Malformed(reason)) => assert!(reason.contains("raw r‖s"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
