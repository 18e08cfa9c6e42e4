//! The one thing every mode moves: a webhook request.
//!
//! `send` builds one from a fixture, `listen` captures one off the wire, `verify` reads one from a file and
//! `replay` loads one from the store. Header order and repeated names are kept, values and the body are raw
//! bytes: a signature is over bytes, so nothing here ever re-serialises them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// What a credential header's value is replaced by in the store, exports and output. A request carrying it
/// had its credential removed: the credential can no longer be checked, which is not a mismatch.
pub const REDACTED: &[u8] = b"(redacted)";

/// An ordered list of headers. Names compare case-insensitively; repeated names are kept in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, Vec<u8>)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<Vec<u8>>) {
        self.0.push((name.into(), value.into()));
    }

    /// Sets a header, replacing every earlier value of the same name (in the first one's place).
    pub fn set(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        let value = value.into();
        match self.0.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(first) => {
                self.0[first].1 = value;
                let mut index = 0;
                self.0.retain(|(n, _)| {
                    index += 1;
                    index - 1 == first || !n.eq_ignore_ascii_case(name)
                });
            }
            None => self.push(name, value),
        }
    }

    /// The first value of a header.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    /// The first value of a header, when it is UTF-8.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of a header, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    /// The first header present among `names`, with the name it was found under.
    pub fn find<'a>(&'a self, names: impl IntoIterator<Item = &'a str>) -> Option<(&'a str, &'a [u8])> {
        names.into_iter().find_map(|name| self.get(name).map(|v| (name, v)))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// The headers a proxy or a replay passes on: without the hop-by-hop ones (RFC 9110 §7.6.1), those the
    /// `Connection` header names, and `Host` and `Content-Length`, which the client sets for the new hop.
    pub fn end_to_end(&self) -> Self {
        const HOP_BY_HOP: [&str; 11] = [
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
        ];
        let named: Vec<String> = self
            .get_all("connection")
            .flat_map(|v| {
                String::from_utf8_lossy(v).split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>()
            })
            .collect();
        self.0
            .iter()
            .filter(|(name, _)| {
                let name = name.to_ascii_lowercase();
                !HOP_BY_HOP.contains(&name.as_str()) && !named.contains(&name)
            })
            .cloned()
            .collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Vec<u8>)> for Headers {
    fn from_iter<T: IntoIterator<Item = (String, Vec<u8>)>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A webhook request: method, target (path and query), ordered headers, raw body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Headers,
    /// Shared, so a request is cloned (for each retry, for the store) without copying its body, and a large
    /// capture's body can live in memory the file was read into.
    pub body: Bytes,
}

impl Request {
    pub fn post(target: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Self { method: "POST".into(), target: target.into(), headers: Headers::new(), body: body.into() }
    }

    /// The path without the query string.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// The JSON form of a request, shared by `sign --json`, `events export` and `verify`.
///
/// ```json
/// {"method": "POST", "target": "/webhooks/payvost",
///  "headers": [["Content-Type", "application/json"], ["Payvost-Signature", "…"]],
///  "body": "{\"id\":\"evt_…\"}"}
/// ```
///
/// Headers are `[name, value]` pairs so order and repeats survive. A body that is not UTF-8 is written as
/// `body_base64` instead of `body`; a header value that is not UTF-8 is written as `{"base64": "…"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestJson {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, HeaderValueJson)>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body_base64: Option<String>,
}

/// How `Headers` writes a value: borrowed text, or base64.
#[derive(Serialize)]
#[serde(untagged)]
enum HeaderValueRef<'a, B> {
    Text(&'a str),
    Bytes(B),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HeaderValueJson {
    Text(String),
    Bytes { base64: String },
}

/// Serialises as [`RequestJson`] without copying: the listener writes one per event.
impl Serialize for Request {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = serializer.serialize_struct("RequestJson", 4)?;
        out.serialize_field("method", &self.method)?;
        out.serialize_field("target", &self.target)?;
        out.serialize_field("headers", &self.headers)?;
        match std::str::from_utf8(&self.body) {
            Ok(text) => out.serialize_field("body", text)?,
            Err(_) => out.serialize_field("body_base64", &BASE64.encode(&self.body))?,
        }
        out.end()
    }
}

/// `[[name, value], …]`, a value that is not UTF-8 as `{"base64": "…"}`.
impl Serialize for Headers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Base64Value {
            base64: String,
        }
        serializer.collect_seq(self.iter().map(|(name, value)| match std::str::from_utf8(value) {
            Ok(text) => (name, HeaderValueRef::Text(text)),
            Err(_) => (name, HeaderValueRef::Bytes(Base64Value { base64: BASE64.encode(value) })),
        }))
    }
}

impl TryFrom<RequestJson> for Request {
    type Error = String;

    fn try_from(json: RequestJson) -> Result<Self, String> {
        let headers = json
            .headers
            .into_iter()
            .map(|(name, value)| match value {
                HeaderValueJson::Text(text) => Ok((name, text.into_bytes())),
                HeaderValueJson::Bytes { base64 } => BASE64
                    .decode(base64)
                    .map(|bytes| (name.clone(), bytes))
                    .map_err(|e| format!("header `{name}` is not valid base64: {e}")),
            })
            .collect::<Result<Headers, String>>()?;
        let body = match (json.body, json.body_base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(encoded)) => {
                BASE64.decode(encoded).map_err(|e| format!("`body_base64` is not valid base64: {e}"))?
            }
            (None, None) => Vec::new(),
            (Some(_), Some(_)) => return Err("a request has `body` or `body_base64`, not both".into()),
        };
        Ok(Request { method: json.method, target: json.target, headers, body: body.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive_and_keeps_repeats() {
        let mut headers = Headers::new();
        headers.push("X-A", "1");
        headers.push("x-a", "2");
        headers.push("Other", "3");
        assert_eq!(headers.get("x-A"), Some(&b"1"[..]));
        assert_eq!(headers.get_all("X-A").collect::<Vec<_>>(), vec![&b"1"[..], &b"2"[..]]);
        headers.set("X-a", "9");
        let mut hops = headers.clone();
        hops.push("Connection", "close, X-Trace");
        hops.push("X-Trace", "1");
        hops.push("Host", "h");
        hops.push("Transfer-Encoding", "chunked");
        assert_eq!(hops.end_to_end(), headers, "only end-to-end headers pass on");
        assert_eq!(headers.iter().collect::<Vec<_>>(), vec![("X-A", &b"9"[..]), ("Other", &b"3"[..])]);
    }

    #[test]
    fn json_form_round_trips_binary_bodies_and_headers() {
        let mut request = Request::post("/webhooks/x?a=1", vec![0xff, 0x00, b'a']);
        request.headers.push("Bin", vec![0xc3, 0x28]);
        request.headers.push("Text", "v");
        let json = serde_json::to_string(&request).expect("serialise");
        assert_eq!(
            json,
            r#"{"method":"POST","target":"/webhooks/x?a=1","headers":[["Bin",{"base64":"wyg="}],["Text","v"]],"body_base64":"/wBh"}"#
        );
        let back: RequestJson = serde_json::from_str(&json).expect("parse");
        assert_eq!(Request::try_from(back).expect("convert"), request);
        assert_eq!(request.path(), "/webhooks/x");
    }
}
