//! Reading captured requests: raw HTTP/1.1 text, HAR files, hookctl's request JSON (one object or JSON lines),
//! and `tcpdump -A`/`-X` output.
//!
//! Pure: bytes in, requests out. Every failure is a one-line reason a support person can act on.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::Deserialize;

use crate::request::{Headers, Request, RequestJson};

/// A request read from a capture, with where it came from (`entry 2`, `line 3`) for reports.
#[derive(Debug, Clone)]
pub struct Captured {
    pub label: Option<String>,
    pub request: Request,
    /// What the file recorded about the exchange besides the request.
    pub recorded: Recorded,
    /// What the format may have changed in the request, for a report whose signature fails.
    pub caveat: Option<&'static str>,
}

impl Captured {
    pub fn new(label: Option<String>, request: Request) -> Self {
        Self { label, request, recorded: Recorded::default(), caveat: None }
    }
}

/// Why a request read from `tcpdump -A` text may not be the bytes that were sent.
pub const TCPDUMP_TEXT_CAVEAT: &str = "read from tcpdump -A text, which shows every byte it cannot print (non-ASCII \
    text among them) as `.`: if the body had any, the signature cannot match; capture with -X to keep every byte";

/// What a capture knows about an exchange beyond its request: a HAR's `startedDateTime` and response status,
/// an `events export` line's `received_at` and `answer_status`. Raw HTTP knows neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Unix milliseconds.
    pub received_at: Option<i64>,
    pub answer_status: Option<u16>,
}

/// Reads any supported capture format, telling them apart by their first bytes.
pub fn parse(bytes: &[u8]) -> Result<Vec<Captured>, String> {
    parse_owned(Bytes::copy_from_slice(bytes))
}

/// `parse`, taking the bytes: a raw capture's body is then a part of them, never copied (a 64 MiB capture
/// costs 64 MiB, not 128).
pub fn parse_owned(bytes: Bytes) -> Result<Vec<Captured>, String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err("the capture is empty".into());
    };
    if bytes[start] == b'{' {
        return parse_json(&bytes[start..]);
    }
    if crate::tcpdump::looks_like(&bytes) {
        return parse_tcpdump(&bytes);
    }
    let (mut request, body) = parse_head(&bytes)?;
    request.body = match body {
        Body::Chunked(from) => decode_chunked(&bytes[from..])?.into(),
        // The body stays where it was read: no copy of a large capture.
        Body::Range(from, to) => bytes.slice(from..to),
    };
    Ok(vec![Captured::new(None, request)])
}

/// Where a raw capture's body is.
enum Body {
    Chunked(usize),
    Range(usize, usize),
}

/// Raw HTTP/1.1: request line, headers, blank line, body (CRLF or LF line endings). The body runs for
/// `Content-Length` bytes, is decoded when chunked, and otherwise runs to the end of the capture.
pub fn parse_http(bytes: &[u8]) -> Result<Request, String> {
    let (mut request, body) = parse_head(bytes)?;
    request.body = match body {
        Body::Chunked(from) => decode_chunked(&bytes[from..])?.into(),
        Body::Range(from, to) => Bytes::copy_from_slice(&bytes[from..to]),
    };
    Ok(request)
}

/// The request line and headers, and where the body is (offsets into `bytes`).
fn parse_head(bytes: &[u8]) -> Result<(Request, Body), String> {
    // Captures pasted from a terminal or an editor often start with blank lines.
    let skipped = bytes.iter().position(|b| !matches!(b, b'\r' | b'\n')).unwrap_or(bytes.len());
    let bytes = &bytes[skipped..];
    // `hookctl sign`'s text (headers, a blank line, the body) has no request line: read as a POST to `/`.
    if let Some((head_len, headers)) = headers_only(bytes) {
        let request = Request { method: "POST".into(), target: "/".into(), headers, body: Bytes::new() };
        return body_of(request, bytes, skipped, head_len);
    }
    let mut headers = vec![httparse::EMPTY_HEADER; 256];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            return Err(if parsed.method.is_none() || parsed.path.is_none() {
                "not an HTTP request: expected a request line such as `POST /webhooks/payvost HTTP/1.1`".into()
            } else {
                "the capture ends inside the headers: a blank line must separate them from the body".into()
            });
        }
        Err(httparse::Error::TooManyHeaders) => return Err("more than 256 headers".into()),
        Err(e) => {
            return Err(format!(
                "not an HTTP request ({e}): expected `METHOD /path HTTP/1.1`, headers, a blank line, the body"
            ));
        }
    };
    let method = parsed.method.unwrap_or("POST").to_owned();
    let target = parsed.path.unwrap_or("/").to_owned();
    let headers: Headers = parsed.headers.iter().map(|h| (h.name.to_owned(), h.value.to_vec())).collect();
    body_of(Request { method, target, headers, body: Bytes::new() }, bytes, skipped, head_len)
}

/// A head of headers alone (the first line is `Name: value`, not a request line), and where it ends.
fn headers_only(bytes: &[u8]) -> Option<(usize, Headers)> {
    let first = bytes.split(|&b| b == b'\n').next()?;
    let (name, _) = first.split_at(first.iter().position(|&b| b == b':')?);
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    if name.is_empty() || !name.iter().all(token) {
        return None;
    }
    let mut headers = vec![httparse::EMPTY_HEADER; 256];
    match httparse::parse_headers(bytes, &mut headers) {
        Ok(httparse::Status::Complete((len, parsed))) => {
            Some((len, parsed.iter().map(|h| (h.name.to_owned(), h.value.to_vec())).collect()))
        }
        _ => None,
    }
}

/// Where the body of `request` is in `bytes`, whose head (after `skipped` blank lines) is `head_len` long.
fn body_of(request: Request, bytes: &[u8], skipped: usize, head_len: usize) -> Result<(Request, Body), String> {
    let headers = &request.headers;
    let rest = &bytes[head_len..];
    let from = skipped + head_len;

    let chunked = headers
        .get_all("transfer-encoding")
        .any(|v| String::from_utf8_lossy(v).to_ascii_lowercase().split(',').any(|t| t.trim() == "chunked"));
    let body = if chunked {
        Body::Chunked(from)
    } else if let Some(length) = headers.get_str("content-length") {
        let length: usize =
            length.trim().parse().map_err(|_| format!("Content-Length `{}` is not a number", length.trim()))?;
        if rest.len() < length {
            return Err(format!(
                "the capture is truncated: Content-Length is {length} bytes but only {} follow the headers",
                rest.len()
            ));
        }
        Body::Range(from, from + length)
    } else {
        Body::Range(from, from + rest.len())
    };
    Ok((request, body))
}

/// The requests in `tcpdump -A`/`-X` output: each direction of a connection that starts with a request holds
/// one or more (keep-alive), one after the other.
fn parse_tcpdump(bytes: &[u8]) -> Result<Vec<Captured>, String> {
    let mut captured = Vec::new();
    for stream in crate::tcpdump::streams(bytes)? {
        // The flow comes from the file: only its printable characters reach a label.
        let flow: String = stream.flow.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect();
        let mut rest = &stream.bytes[..];
        while !rest.iter().all(u8::is_ascii_whitespace) {
            let explain = |reason: String| -> String {
                let why = match (reason.contains("truncated"), stream.lossy) {
                    (true, true) => {
                        "; tcpdump -A drops carriage returns, so a body that had any cannot be put \
                        back: capture with -X, which keeps every byte"
                    }
                    (true, false) => "; a packet is missing from the capture, or -s cut packets short (use -s0)",
                    _ => "",
                };
                format!("tcpdump output, {flow}: {reason}{why}")
            };
            let (mut request, body) = parse_head(rest).map_err(explain)?;
            let end = match body {
                // A chunked body runs to the end of what the connection sent.
                Body::Chunked(from) => {
                    request.body = decode_chunked(&rest[from..]).map_err(explain)?.into();
                    rest.len()
                }
                Body::Range(from, to) => {
                    request.body = Bytes::copy_from_slice(&rest[from..to]);
                    to
                }
            };
            rest = &rest[end..];
            let mut one = Captured::new(Some(format!("request {} ({flow})", captured.len() + 1)), request);
            one.caveat = stream.lossy.then_some(TCPDUMP_TEXT_CAVEAT);
            captured.push(one);
        }
    }
    if captured.len() == 1 {
        captured[0].label = None;
    }
    Ok(captured)
}

fn decode_chunked(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let (offset, size) = match httparse::parse_chunk_size(rest) {
            Ok(httparse::Status::Complete(found)) => found,
            Ok(httparse::Status::Partial) => return Err("the chunked body is truncated inside a chunk size".into()),
            Err(_) => return Err("the chunked body has an invalid chunk size line".into()),
        };
        rest = &rest[offset..];
        if size == 0 {
            return Ok(body);
        }
        let size = usize::try_from(size).map_err(|_| "a chunk is too large".to_owned())?;
        if rest.len() < size {
            return Err(format!("the chunked body is truncated: a chunk of {size} bytes has only {}", rest.len()));
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .ok_or("a chunk is not followed by a line break")?;
    }
}

#[derive(Deserialize)]
struct Har {
    log: HarLog,
}

#[derive(Deserialize)]
struct HarLog {
    #[serde(default)]
    entries: Vec<HarEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarEntry {
    request: HarRequest,
    #[serde(default)]
    started_date_time: Option<String>,
    #[serde(default)]
    response: Option<HarResponse>,
}

#[derive(Deserialize)]
struct HarResponse {
    /// 0 (or -1) when the browser got no answer.
    #[serde(default)]
    status: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(default)]
    post_data: Option<HarPostData>,
}

#[derive(Deserialize)]
struct HarHeader {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct HarPostData {
    #[serde(default)]
    text: String,
    /// Not in HAR 1.2 but written by browsers and hookctl for bodies that are not text.
    #[serde(default, alias = "_encoding")]
    encoding: Option<String>,
}

fn parse_json(bytes: &[u8]) -> Result<Vec<Captured>, String> {
    let first: serde_json::Value = match serde_json::Deserializer::from_slice(bytes).into_iter().next() {
        Some(Ok(value)) => value,
        Some(Err(e)) => return Err(format!("the capture starts like JSON but is not valid JSON: {e}")),
        None => return Err("the capture is empty".into()),
    };
    if first.get("log").is_some() {
        return parse_har(bytes);
    }
    // One request object, or JSON lines of them (the `events export` format).
    let mut captured = Vec::new();
    for (index, item) in serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>().enumerate() {
        let value = item.map_err(|e| format!("record {}: not valid JSON: {e}", index + 1))?;
        // `events export` adds these beside the request fields.
        let recorded = Recorded {
            received_at: value.get("received_at").and_then(time_millis),
            answer_status: value.get("answer_status").and_then(serde_json::Value::as_i64).and_then(status),
        };
        let json: RequestJson = serde_json::from_value(value)
            .map_err(|e| format!("record {}: not a request (method, target, headers, body): {e}", index + 1))?;
        let request = Request::try_from(json).map_err(|e| format!("record {}: {e}", index + 1))?;
        captured.push(Captured { label: Some(format!("record {}", index + 1)), request, recorded, caveat: None });
    }
    if captured.len() == 1 {
        captured[0].label = None;
    }
    Ok(captured)
}

fn parse_har(bytes: &[u8]) -> Result<Vec<Captured>, String> {
    let har: Har = serde_json::from_slice(bytes).map_err(|e| format!("not a HAR file: {e}"))?;
    if har.log.entries.is_empty() {
        return Err("the HAR file has no entries".into());
    }
    har.log
        .entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            let label = format!("entry {}", index + 1);
            let request = entry.request;
            let target = target_of(&request.url);
            let headers = request
                .headers
                .into_iter()
                // HTTP/2 pseudo-headers (`:authority`) are not request headers.
                .filter(|h| !h.name.starts_with(':'))
                .map(|h| (h.name, h.value.into_bytes()))
                .collect();
            let body = match request.post_data {
                None => Vec::new(),
                Some(HarPostData { text, encoding: Some(encoding) }) if encoding.eq_ignore_ascii_case("base64") => {
                    BASE64.decode(text.as_bytes()).map_err(|e| format!("{label}: postData is not valid base64: {e}"))?
                }
                Some(post) => post.text.into_bytes(),
            };
            let recorded = Recorded {
                received_at: entry.started_date_time.as_deref().and_then(|t| time_millis(&t.into())),
                answer_status: entry.response.and_then(|r| status(r.status)),
            };
            Ok(Captured {
                label: Some(label),
                request: Request { method: request.method, target, headers, body: body.into() },
                recorded,
                caveat: None,
            })
        })
        .collect()
}

/// A recorded time: unix milliseconds (as `events export` writes it) or RFC 3339 (as HAR does).
fn time_millis(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(text) => {
            chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp_millis())
        }
        _ => None,
    }
}

/// A recorded answer status, when there was an answer (HAR writes 0 or -1 when there was none).
fn status(code: i64) -> Option<u16> {
    u16::try_from(code).ok().filter(|c| (100..=599).contains(c))
}

/// The path and query of a URL (`https://x.test/webhooks/a?b=1` → `/webhooks/a?b=1`).
fn target_of(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(slash) => rest[slash..].to_owned(),
            None => "/".into(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_http_with_crlf_lf_and_content_length() {
        let crlf =
            b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nPayvost-Signature: ab\r\n\r\n{}extra";
        let request = parse_http(crlf).expect("parses");
        assert_eq!(
            (request.method.as_str(), request.target.as_str(), &request.body[..]),
            ("POST", "/webhooks/payvost", &b"{}"[..])
        );
        assert_eq!(request.headers.get_str("payvost-signature"), Some("ab"));

        let lf = b"\nPOST /a HTTP/1.1\nX: 1\n\nbody to the end\n";
        assert_eq!(parse_http(lf).expect("parses").body, &b"body to the end\n"[..]);
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let chunked =
            b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(parse_http(chunked).expect("parses").body, &br#"{"a":1}"#[..]);
        assert!(parse_http(b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc").is_err());
        assert!(parse_http(b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").is_err());
    }

    #[test]
    fn bad_captures_are_explained() {
        let cases: [(&[u8], &str); 6] = [
            (b"", "empty"),
            (b"  \n ", "empty"),
            (b"POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort", "truncated"),
            (b"POST /a HTTP/1.1\r\nX: 1", "ends inside the headers"),
            (b"\x00\x01\x02garbage", "not an HTTP request"),
            (br#"{"log": {"entries": []}}"#, "no entries"),
        ];
        for (bytes, expected) in cases {
            let error = parse(bytes).expect_err(expected);
            assert!(error.contains(expected), "{expected}: {error}");
        }
        assert!(parse(b"{\"method\": 1").expect_err("bad json").contains("not valid JSON"));
        assert!(parse(b"{\"what\": 1}").expect_err("not a request").contains("not a request"));
    }

    #[test]
    fn har_entries_and_request_json_lines() {
        let har = br#"{"log": {"entries": [
            {"request": {"method": "POST", "url": "https://x.test/webhooks/github?x=1",
                         "headers": [{"name": ":authority", "value": "x"}, {"name": "X-A", "value": "1"}],
                         "postData": {"mimeType": "application/json", "text": "{}"}}},
            {"request": {"method": "POST", "url": "https://x.test/b", "headers": [],
                         "postData": {"text": "/w==", "encoding": "base64"}}}]}}"#;
        let entries = parse(har).expect("parses");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].request.target, "/webhooks/github?x=1");
        assert_eq!(entries[0].request.headers.len(), 1, "pseudo-headers dropped");
        assert_eq!(entries[1].request.body, &[0xff][..]);
        assert_eq!(entries[1].label.as_deref(), Some("entry 2"));

        let lines = b"{\"method\":\"POST\",\"target\":\"/a\",\"headers\":[[\"X\",\"1\"]],\"body\":\"{}\"}\n{\"method\":\"POST\",\"target\":\"/b\",\"headers\":[],\"body_base64\":\"/w==\",\"provider\":\"x\"}\n";
        let records = parse(lines).expect("parses");
        assert_eq!((records.len(), &records[1].request.body[..]), (2, &[0xff][..]));
    }

    #[test]
    fn random_bytes_never_panic() {
        let seeds: [&[u8]; 4] = [
            b"POST /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            br#"{"log": {"entries": [{"request": {"method": "POST", "url": "http://x/a", "headers": [], "postData": {"text": "e30=", "encoding": "base64"}}}]}}"#,
            br#"{"method":"POST","target":"/a","headers":[["X",{"base64":"/w=="}]],"body":"{}"}"#,
            b"\xff\xfe\x00",
        ];
        crate::mutate::mutations(&seeds, 20_000, |bytes| {
            let _ = parse(bytes);
        });
    }
}
