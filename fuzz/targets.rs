#![allow(dead_code)] // each fuzz binary uses one of these
//! What each fuzz target does with its input, shared by the libFuzzer binaries (`cargo +nightly fuzz run
//! TARGET`) and by `tests/fuzz_corpus.rs`, which replays every committed corpus file on stable in `cargo test`.
//!
//! Each function must never panic, hang or allocate without bound on any input.

use std::sync::LazyLock;

use hookctl::provider::{Catalog, Provider};
use hookctl::scheme::{Keys, Layout};

/// A target: takes any bytes, panics only on a bug.
pub type Target = fn(&[u8]);

/// Every target by name, as the corpus folders are named.
pub const TARGETS: &[(&str, Target)] = &[
    ("capture_http", capture_http),
    ("capture_json", capture),
    ("capture_har", capture),
    ("capture_tcpdump", capture),
    ("signature_header", signature_header),
    ("provider_file", provider_file),
    ("template", template),
    ("set_path", set_path),
    ("inspect", inspect),
    ("form_body", form_body),
];

/// Raw HTTP/1.1 captures, as pasted by support staff: request line, headers, Content-Length or chunked bodies.
pub fn capture_http(data: &[u8]) {
    let direct = hookctl::capture::parse_http(data);
    // The format-sniffing entry point must agree with the raw parser on anything that is not JSON or tcpdump
    // output.
    if data.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b != b'{') && !hookctl::tcpdump::looks_like(data)
    {
        let sniffed = hookctl::capture::parse(data);
        assert_eq!(direct.is_ok(), sniffed.is_ok(), "parse and parse_http disagree");
        if let (Ok(direct), Ok(sniffed)) = (&direct, &sniffed) {
            assert_eq!(direct.body, sniffed[0].request.body);
        }
    }
}

/// Any capture `verify` and `events import` read: hookctl's request JSON (one object or JSON lines, as
/// `sign --json` and `events export` write them), HAR files and tcpdump -A/-X output.
pub fn capture(data: &[u8]) {
    let _ = hookctl::capture::parse(data);
}

/// Signature headers in every layout the providers use.
pub fn signature_header(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let layouts = [
        Layout::Bare,
        Layout::Prefixed("sha256=".into()),
        Layout::KeyValue {
            timestamp_key: "t".into(),
            signature_key: "v1".into(),
            separator: ",".into(),
            group_separator: None,
        },
        Layout::KeyValue {
            timestamp_key: "ts".into(),
            signature_key: "h1".into(),
            separator: ";".into(),
            group_separator: Some(" ".into()),
        },
        Layout::VersionedList { version: "v1".into() },
    ];
    for layout in &layouts {
        let _ = layout.parse(&text);
    }
}

/// provider.toml files written by users (`--providers DIR`).
pub fn provider_file(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hookctl::provider::parse_provider(text, hookctl::provider::Files::Dir("/nowhere".into()));
    }
}

/// Fixture placeholders (`{{id:evt_:24}}`, `{{now-1h:%Y}}`, …) and signed-content templates (`{timestamp}.{body}`).
pub fn template(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = hookctl::scheme::Template::parse(text);
    let mut rng = fastrand::Rng::with_seed(7);
    for format in [hookctl::time::TimeFormat::Rfc3339, hookctl::time::TimeFormat::Unix] {
        let mut ctx = hookctl::fixture::Context {
            now: chrono::DateTime::UNIX_EPOCH,
            time_format: &format,
            event: "payment.succeeded",
            rng: &mut rng,
            refs: Default::default(),
        };
        let _ = hookctl::fixture::render(&serde_json::Value::String(text.to_owned()), &mut ctx);
    }
}

/// `--set path=value` and `--set path:=json` against a fixture.
pub fn set_path(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(assignment) = text.parse::<hookctl::fixture::Assignment>() {
        let mut fixture = serde_json::json!({
            "id": "evt_1", "type": "payment.succeeded",
            "data": {"amount": 10.5, "items": [{"sku": "a", "qty": 1}], "paid": true, "note": null}
        });
        let _ = assignment.apply(&mut fixture);
    }
}

/// Form bodies from strangers (Slack's slash commands and interactions): every body reads as fields without a
/// JSON field, a `payload=` field may fail only with an error, and fields read and encoded again read back the same.
pub fn form_body(data: &[u8]) {
    let fields = hookctl::form::decode(data, &[]).expect("without JSON fields, any bytes are a form");
    let _ = hookctl::form::decode(data, &["payload".to_owned()]);
    let _ = hookctl::form::looks_like(data);
    // Repeated fields become arrays, which a fixture never holds: only single-valued forms must round-trip.
    if let Some(map) = fields.as_object().filter(|m| m.values().all(serde_json::Value::is_string)) {
        let again = hookctl::form::encode(map);
        assert!(hookctl::form::looks_like(&again) || map.keys().any(String::is_empty) || map.is_empty());
        assert_eq!(
            hookctl::form::decode(&again, &[]).expect("decodes"),
            fields,
            "encode then decode changed the fields"
        );
    }
}

static PROVIDERS: LazyLock<Vec<Provider>> = LazyLock::new(|| Catalog::builtin().all().expect("built-in providers"));
static SCHEMAS: LazyLock<hookctl::schema::SchemaCache> = LazyLock::new(Default::default);

/// The whole of `verify`: a capture from a stranger parsed, its provider detected, its signature checked and
/// diagnosed, its payload validated.
pub fn inspect(data: &[u8]) {
    let Ok(captured) = hookctl::capture::parse(data) else { return };
    let secret = hookctl::secret::Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let keys = Keys { secret: Some(secret), credentials: vec![], rotation: vec![], url: None };
    for item in captured {
        let Some(provider) = hookctl::provider::detect(&PROVIDERS, &item.request) else { continue };
        let ctx = hookctl::inspect::Context {
            keys: &keys,
            now: 1_700_000_000,
            others: &PROVIDERS,
            diagnose_limit: 1 << 20,
            schemas: &SCHEMAS,
            max_decoded: 1 << 20,
        };
        let _ = hookctl::inspect::inspect(&item.request, provider, &ctx);
    }
}
