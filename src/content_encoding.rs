//! Bodies sent with a `Content-Encoding`. Providers that compress a delivery sign its bytes before compressing
//! them, so a signature is checked, and a payload validated, over the decoded body; the store keeps the bytes
//! as received. Pure: bytes in, bytes out, no I/O.

use std::fmt;
use std::io::Read as _;

use bytes::Bytes;

use crate::request::Headers;

/// A content coding hookctl decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    /// HTTP's `deflate` is the zlib format (RFC 9110 §8.4.1.2); senders that send raw DEFLATE are read too.
    Deflate,
    Brotli,
}

impl Coding {
    fn parse(token: &str) -> Option<Self> {
        // `x-gzip` is gzip (RFC 9110 §8.4.1.3).
        match token.to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => Some(Self::Gzip),
            "deflate" => Some(Self::Deflate),
            "br" => Some(Self::Brotli),
            _ => None,
        }
    }
}

impl fmt::Display for Coding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
            Self::Brotli => "br",
        })
    }
}

/// A body decoded from its content codings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub body: Bytes,
    /// The codings as the header lists them (in the order they were applied).
    pub codings: Vec<Coding>,
    pub received_len: usize,
}

impl Decoded {
    /// `gzip` or `gzip, br`, as the header said.
    pub fn label(&self) -> String {
        self.codings.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }

    /// One line for a verdict: what was decoded, and that the store keeps the bytes as received.
    pub fn describe(&self) -> String {
        format!(
            "decoded from Content-Encoding: {} ({} → {} bytes); checked decoded, stored as received",
            self.label(),
            self.received_len,
            self.body.len()
        )
    }
}

/// Why a body that claims a coding could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("`Content-Encoding: {coding}` is not a coding hookctl decodes (gzip, deflate, br)")]
    Unsupported { coding: String },
    #[error("the body is labelled `Content-Encoding: {coding}` but is not valid {coding}: {reason}")]
    Invalid { coding: Coding, reason: String },
    #[error("the {coding} body decodes to more than the {limit} byte limit; not decoded further")]
    TooLarge { coding: Coding, limit: usize },
    #[error("`Content-Encoding` lists {count} codings; hookctl undoes at most {MAX_CODINGS}")]
    TooManyCodings { count: usize },
}

impl DecodeError {
    /// The header's coding the error is about, as the request named it.
    pub fn coding(&self) -> String {
        match self {
            Self::Unsupported { coding } => coding.clone(),
            Self::Invalid { coding, .. } | Self::TooLarge { coding, .. } => coding.to_string(),
            Self::TooManyCodings { count } => format!("{count} codings"),
        }
    }
}

/// Each coding undone costs up to the limit in work; real senders apply one.
const MAX_CODINGS: usize = 4;

/// The codings a request's `Content-Encoding` headers list, in the order they were applied (`identity`
/// skipped); empty when the body is sent as is.
pub fn codings(headers: &Headers) -> Result<Vec<Coding>, DecodeError> {
    let mut out = Vec::new();
    for value in headers.get_all("content-encoding") {
        let text = String::from_utf8_lossy(value);
        for token in text.split(',').map(str::trim).filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("identity")) {
            // The token is the sender's: a few dozen characters of it are enough to name it.
            let unsupported = || DecodeError::Unsupported { coding: token.chars().take(40).collect() };
            out.push(Coding::parse(token).ok_or_else(unsupported)?);
        }
    }
    Ok(out)
}

/// The body decoded per its `Content-Encoding`, at most `limit` bytes at every step (a small body that
/// inflates to gigabytes stops there); `Ok(None)` when the request names no coding.
pub fn decode(headers: &Headers, body: &Bytes, limit: usize) -> Result<Option<Decoded>, DecodeError> {
    if headers.get("content-encoding").is_none() {
        return Ok(None);
    }
    let codings = codings(headers)?;
    if codings.is_empty() {
        return Ok(None);
    }
    if codings.len() > MAX_CODINGS {
        return Err(DecodeError::TooManyCodings { count: codings.len() });
    }
    let mut current = body.clone();
    // Codings are listed in the order they were applied: the last one is undone first.
    for &coding in codings.iter().rev() {
        current = decode_one(coding, &current, limit)?.into();
    }
    Ok(Some(Decoded { body: current, codings, received_len: body.len() }))
}

fn decode_one(coding: Coding, bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    match coding {
        Coding::Gzip => read_limited(coding, &mut flate2::read::MultiGzDecoder::new(bytes), limit),
        Coding::Brotli => read_limited(coding, &mut brotli::Decompressor::new(bytes, 64 * 1024), limit),
        Coding::Deflate => read_limited(coding, &mut flate2::read::ZlibDecoder::new(bytes), limit).or_else(|zlib| {
            if matches!(zlib, DecodeError::TooLarge { .. }) {
                return Err(zlib);
            }
            // Some senders write raw DEFLATE without the zlib wrapper. It is taken for that only when it reads
            // to the last byte: almost any bytes start a raw DEFLATE stream, few end one exactly.
            let mut raw = flate2::read::DeflateDecoder::new(bytes);
            match read_limited(coding, &mut raw, limit) {
                Ok(out) if usize::try_from(raw.total_in()).is_ok_and(|n| n == bytes.len()) => Ok(out),
                Err(error @ DecodeError::TooLarge { .. }) => Err(error),
                _ => Err(zlib),
            }
        }),
    }
}

fn read_limited(coding: Coding, reader: &mut impl std::io::Read, limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut out).map_err(|error| DecodeError::Invalid { coding, reason: reason(&error) })?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge { coding, limit });
    }
    Ok(out)
}

fn reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::UnexpectedEof => "the stream ends early (cut short?)".into(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment.succeeded","data":{"amount":"9.99"}}"#;

    fn headers(value: &str) -> Headers {
        let mut headers = Headers::new();
        headers.push("Content-Encoding", value);
        headers
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("in memory");
        encoder.finish().expect("in memory")
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("in memory");
        encoder.finish().expect("in memory")
    }

    fn raw_deflate(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("in memory");
        encoder.finish().expect("in memory")
    }

    fn brotli(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        writer.write_all(bytes).expect("in memory");
        drop(writer);
        out
    }

    fn decoded(value: &str, body: Vec<u8>) -> Result<Option<Decoded>, DecodeError> {
        decode(&headers(value), &Bytes::from(body), 1 << 20)
    }

    #[test]
    fn each_coding_decodes_to_the_signed_bytes() {
        for (value, body) in [
            ("gzip", gzip(BODY)),
            ("x-gzip", gzip(BODY)),
            ("deflate", zlib(BODY)),
            ("deflate", raw_deflate(BODY)),
            ("br", brotli(BODY)),
            ("GZIP", gzip(BODY)),
        ] {
            let found = decoded(value, body.clone()).expect("decodes").expect("was encoded");
            assert_eq!(&found.body[..], BODY, "{value}");
            assert_eq!(found.received_len, body.len());
        }
    }

    #[test]
    fn stacked_codings_are_undone_last_first() {
        let found = decoded("gzip, br", brotli(&gzip(BODY))).expect("decodes").expect("encoded");
        assert_eq!(&found.body[..], BODY);
        assert_eq!(found.label(), "gzip, br");
        let error = decoded("gzip, gzip, gzip, gzip, gzip", gzip(BODY)).expect_err("too many");
        assert_eq!(error, DecodeError::TooManyCodings { count: 5 });
    }

    #[test]
    fn identity_or_no_header_is_left_alone() {
        assert_eq!(decode(&Headers::new(), &Bytes::from_static(BODY), 10), Ok(None));
        assert_eq!(decoded("identity", BODY.to_vec()), Ok(None));
    }

    #[test]
    fn a_body_that_is_not_what_it_claims_is_an_error() {
        let error = decoded("gzip", BODY.to_vec()).expect_err("not gzip");
        assert!(matches!(error, DecodeError::Invalid { coding: Coding::Gzip, .. }), "{error:?}");
        let mut cut = gzip(BODY);
        cut.truncate(cut.len() / 2);
        let error = decoded("gzip", cut).expect_err("cut short");
        assert!(error.to_string().contains("ends early"), "{error}");
        assert!(matches!(decoded("deflate", BODY.to_vec()), Err(DecodeError::Invalid { .. })));
        assert!(matches!(decoded("br", BODY.to_vec()), Err(DecodeError::Invalid { .. })));
        let error = decoded("zstd", BODY.to_vec()).expect_err("unsupported");
        assert_eq!(error, DecodeError::Unsupported { coding: "zstd".into() });
    }

    #[test]
    fn a_decompression_bomb_stops_at_the_limit() {
        // 8 MiB of zeros compress to a few KiB.
        let zeros = vec![0u8; 8 * 1024 * 1024];
        for (value, body) in [("gzip", gzip(&zeros)), ("br", brotli(&zeros)), ("deflate", zlib(&zeros))] {
            assert!(body.len() < 64 * 1024, "{value}: {}", body.len());
            let error = decode(&headers(value), &Bytes::from(body), 1024 * 1024).expect_err("over the limit");
            assert!(matches!(error, DecodeError::TooLarge { limit: 1_048_576, .. }), "{value}: {error:?}");
        }
    }
}
