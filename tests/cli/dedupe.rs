//! Every provider's dedupe key (its event id, in a header or a payload field) stays the same across
//! `--duplicate` copies and `--retry` attempts, as the provider's own redeliveries keep it.

use serde_json::Value;

use crate::common::*;

/// The provider's dedupe key as `providers NAME --json` describes it: a header, or payload pointers.
fn dedupe_of(provider: &str) -> (Option<String>, Vec<String>) {
    let model: Value = serde_json::from_str(&hookctl(&["providers", provider, "--json"]).ok()).expect("JSON");
    let header = model["dedupe"]["header"].as_str().map(str::to_owned);
    let pointers = model["dedupe"]["pointers"].as_array().expect("pointers").iter();
    (header, pointers.map(|p| p.as_str().expect("text").to_owned()).collect())
}

fn key_of(request: &Captured, (header, pointers): &(Option<String>, Vec<String>)) -> Option<String> {
    if let Some(header) = header {
        return request.header(header);
    }
    let payload = request.json();
    pointers.iter().find_map(|p| payload.pointer(p).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
}

/// An event of the provider whose payload carries the dedupe key (Slack's `url_verification` has none), or
/// its first; and whether the provider documents retries.
fn event_with_key(provider: &str, (header, pointers): &(Option<String>, Vec<String>)) -> (String, bool) {
    let model: Value = serde_json::from_str(&hookctl(&["providers", provider, "--json"]).ok()).expect("JSON");
    let retries = model["delivery"]["retry_secs"].as_array().is_some_and(|r| !r.is_empty());
    let names: Vec<&str> =
        model["events"].as_array().expect("events").iter().filter_map(|e| e["name"].as_str()).collect();
    let carries = |event: &str| {
        header.is_some() || {
            let fixture: Value =
                serde_json::from_str(&hookctl(&["fixtures", provider, event]).ok()).expect("a JSON fixture");
            pointers.iter().any(|p| fixture.pointer(p).is_some())
        }
    };
    let event = names.iter().find(|e| carries(e)).unwrap_or(&names[0]);
    ((*event).to_owned(), retries)
}

#[test]
fn the_dedupe_key_is_the_same_across_duplicates_and_retries_for_every_provider() {
    let mut unkeyed = Vec::new();
    for provider in PROVIDERS {
        let dedupe = dedupe_of(provider);
        let (event, retries) = event_with_key(provider, &dedupe);
        // Two copies; where the provider retries, the first fails once and is retried.
        let server = TestServer::answering(if retries { &[500] } else { &[] });
        let args =
            ["send", provider, &event, "--to", &server.to(), "--duplicate", "2", "--retry", "--time-scale", "100000"];
        hookctl(&args).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1").code(0);
        let requests = server.requests();
        assert_eq!(requests.len(), 2 + usize::from(retries), "{provider}: {requests:#?}");
        let bodies: Vec<&Vec<u8>> = requests.iter().map(|r| &r.body).collect();
        assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{provider}: the body changed");
        if dedupe.0.is_none() && dedupe.1.is_empty() {
            unkeyed.push(provider);
            continue;
        }
        let keys: Vec<Option<String>> = requests.iter().map(|r| key_of(r, &dedupe)).collect();
        assert!(keys[0].as_deref().is_some_and(|k| !k.is_empty()), "{provider}: no dedupe key {dedupe:?}");
        assert!(keys.windows(2).all(|w| w[0] == w[1]), "{provider}: {dedupe:?} differs: {keys:?}");
    }
    // The providers that document no event id (nor a delivery id that retries keep).
    assert_eq!(
        unkeyed,
        [
            "asana",
            "calcom",
            "calendly",
            "docusign",
            "dropbox",
            "frameio",
            "lemonsqueezy",
            "paystack",
            "verifynow",
            "zoom"
        ]
    );
}

#[test]
fn shopify_duplicates_share_the_event_id_the_listener_dedupes_on() {
    let listening = listen(&["--json"]);
    hookctl(&["send", "shopify", "orders/create", "--to", &listening.to(), "--duplicate", "2"])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    listening.wait_lines(2);
    let events = listening.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["event_id"], events[1]["event_id"], "{events:#?}");
    assert_eq!((events[0]["duplicate"].as_bool(), events[1]["duplicate"].as_bool()), (Some(false), Some(true)));
}
