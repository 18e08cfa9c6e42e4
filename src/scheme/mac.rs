//! MAC algorithms and the encodings signatures and keys travel in.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    None,
    HmacSha1,
    HmacSha256,
    HmacSha512,
    /// No signature: the shared secret itself travels in the header and is compared for equality (GitLab's
    /// `X-Gitlab-Token`, Flutterwave's `verif-hash`). It covers nothing of the request.
    Token,
}

impl Algorithm {
    /// The MAC of the concatenation of `parts`, fed piece by piece so a large body is never copied.
    pub fn mac<'a>(self, key: &[u8], parts: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
        fn run<'p, M: Mac + KeyInit>(key: &[u8], parts: impl IntoIterator<Item = &'p [u8]>) -> Vec<u8> {
            let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
            for part in parts {
                mac.update(part);
            }
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            Self::None | Self::Token => Vec::new(),
            Self::HmacSha1 => run::<Hmac<sha1::Sha1>>(key, parts),
            Self::HmacSha256 => run::<Hmac<sha2::Sha256>>(key, parts),
            Self::HmacSha512 => run::<Hmac<sha2::Sha512>>(key, parts),
        }
    }

    /// MAC length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::None | Self::Token => 0,
            Self::HmacSha1 => 20,
            Self::HmacSha256 => 32,
            Self::HmacSha512 => 64,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::HmacSha512 => "HMAC-SHA512",
            Self::Token => "shared token",
        })
    }
}

/// How the secret becomes the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyEncoding {
    /// The secret's UTF-8 bytes.
    #[default]
    Raw,
    /// The secret, base64-decoded.
    Base64,
}

/// How a signature is written in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    #[default]
    Hex,
    Base64,
}

impl Encoding {
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Self::Hex => hex::encode(bytes),
            Self::Base64 => STANDARD.encode(bytes),
        }
    }

    /// The length of `bytes` bytes written in this encoding (base64 padded).
    pub fn encoded_len(self, bytes: usize) -> usize {
        match self {
            Self::Hex => bytes * 2,
            Self::Base64 => bytes.div_ceil(3) * 4,
        }
    }

    /// Decodes a signature; hex is accepted in either case, base64 in its standard and URL-safe alphabets.
    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Self::Hex => hex::decode(text).ok(),
            Self::Base64 => decode_base64(text),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        })
    }
}

/// Base64 in any of the alphabets and padding styles signers use.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD].into_iter().find_map(|engine| engine.decode(text).ok())
}
