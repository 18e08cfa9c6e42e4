//! The router in-process: requests through tower's `oneshot`, a real SQLite file underneath.

use axum::body::Body;
use axum::http::Request as HttpRequest;
use tower::ServiceExt as _;

use super::*;
use crate::provider::Catalog;
use crate::store::Store;

struct Fixture {
    router: Router,
    store: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn fixture(configure: impl FnOnce(&mut Settings)) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let providers = Catalog::builtin().all().expect("built in");
    let keys = providers
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                Keys { secret: Some(crate::secret::Secret::new("s")), credentials: Vec::new(), ..Default::default() },
            )
        })
        .collect();
    let mut settings = Settings {
        providers,
        keys,
        respond: None,
        fail_rate: 0.0,
        reject_invalid: false,
        keep_credentials: false,
        forward: None,
        verbose: false,
        json: true,
        events: None,
        style: Style::plain(),
        max_body: 1024,
        read_timeout: Duration::from_secs(5),
        max_memory: 1024 * 1024,
        live: None,
    };
    configure(&mut settings);
    let (writer, _) = Writer::start(Store::open(&store).expect("opens"));
    let (printer, _) = Printer::start();
    Fixture { router: router(Listener::new(settings, writer, printer)), store, _dir: dir }
}

fn signed(body: &str) -> String {
    hex::encode(crate::scheme::Algorithm::HmacSha256.mac(b"s", [body.as_bytes()]))
}

async fn post(router: &Router, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut request = HttpRequest::post(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response =
        router.clone().oneshot(request.body(Body::from(body.to_owned())).expect("request")).await.expect("answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

const PAYQI: &str = r#"{"id":"evt_1","type":"payment.pending","created":1,"data":{"id":"pay_1","amount":1,"currency":"XRP","status":"pending","pay_address":"rwV3eMwfMcnYM7RyZGvJXmPmh47R3xWg1D","destination_tag":"1","metadata":{"order_id":"o"}}}"#;

#[tokio::test]
async fn answers_as_the_provider_documents_and_stores_first() {
    let fixture = fixture(|_| {});
    let now = crate::time::now().timestamp().to_string();
    let headers = [("X-PayQI-Signature", signed(PAYQI)), ("X-PayQI-Timestamp", now)];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    assert_eq!(post(&fixture.router, "/webhooks/payqi", &headers, PAYQI).await, (200, "OK".into()));
    // At `/` the provider is found by its headers.
    assert_eq!(post(&fixture.router, "/", &headers, PAYQI).await, (200, "OK".into()));
    let store = Store::open(&fixture.store).expect("opens");
    let mut stored = Vec::new();
    store
        .for_each(&crate::store::Filter::default(), |e| {
            stored.push(e);
            Ok(())
        })
        .expect("reads");
    assert_eq!(stored.len(), 2);
    assert_eq!((stored[0].verdict.as_str(), stored[0].payload_status.as_str()), ("valid", "valid"));
    assert!(!stored[0].duplicate && stored[1].duplicate, "the same PayQI event id twice");
}

#[tokio::test]
async fn unknown_routes_oversized_bodies_and_strict_mode() {
    let fixture = fixture(|s| s.reject_invalid = true);
    let (status, body) = post(&fixture.router, "/nowhere", &[], "{}").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(post(&fixture.router, "/webhooks/payvost", &[], &"x".repeat(2048)).await.0, 413);
    let (status, body) = post(&fixture.router, "/webhooks/payvost", &[("Payvost-Signature", "00")], "{}").await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("invalid signature"), "{body}");
}

#[tokio::test]
async fn an_event_that_cannot_be_stored_is_never_acknowledged() {
    let fixture = fixture(|_| {});
    rusqlite::Connection::open(&fixture.store).expect("opens").execute_batch("DROP TABLE events").expect("drops");
    let (status, body) = post(&fixture.router, "/webhooks/payqi", &[], PAYQI).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("could not store"), "{body}");
}
