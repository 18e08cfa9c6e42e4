//! The built-in catalog: every provider parses, every event has its files, and every fixture, rendered,
//! satisfies its own schema.

use chrono::TimeZone as _;
use serde_json::Value;

use super::*;
use crate::outgoing;
use crate::request::Headers;
use crate::schema::EventSchema;

const PROVIDERS: [&str; 50] = [
    "agio",
    "asana",
    "bitbucket",
    "calcom",
    "calendly",
    "clerk",
    "coinbase-commerce",
    "complycube",
    "discord",
    "docusign",
    "dropbox",
    "flutterwave",
    "frameio",
    "github",
    "gitlab",
    "hubspot",
    "intercom",
    "lemonsqueezy",
    "linear",
    "lob",
    "mailgun",
    "mux",
    "onfido",
    "paddle",
    "pagerduty",
    "payqi",
    "paystack",
    "payvost",
    "persona",
    "razorpay",
    "replicate",
    "resend",
    "sendgrid",
    "sentry",
    "shopify",
    "slack",
    "square",
    "standard-webhooks",
    "standard-webhooks-v1a",
    "stripe",
    "sumsub",
    "twilio",
    "twitch",
    "typeform",
    "vercel",
    "veriff",
    "verifynow",
    "workos",
    "zendesk",
    "zoom",
];

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.timestamp_opt(1_767_225_600, 0).single().expect("valid time")
}

#[test]
fn the_providers_are_built_in() {
    let catalog = Catalog::builtin();
    assert_eq!(catalog.names().collect::<Vec<_>>(), PROVIDERS);
    for provider in catalog.all().expect("every built-in provider parses") {
        assert!(provider.routes.contains(&format!("/webhooks/{}", provider.name)), "{}", provider.name);
        assert_ne!(provider.category, "other", "{} names its category", provider.name);
        assert!(!provider.events.is_empty(), "{} has events", provider.name);
    }
}

#[test]
fn the_route_and_the_payload_outweigh_another_providers_signature_header() {
    let providers = Catalog::builtin().all().expect("built in");
    let name = |p: Option<&Provider>| p.map(|p| p.name.clone());
    let payvost_body = r#"{"id":"evt_1","type":"payment.succeeded","createdAt":"2026-01-01T00:00:00Z"}"#;
    let mut request = crate::request::Request::post("/webhooks/payvost", payvost_body);
    request.headers.push("X-PayQI-Signature", "00");
    assert_eq!(name(route_owner(&providers, &request)), Some("payvost".into()));
    assert_eq!(name(detect(&providers, &request)), Some("payvost".into()));

    // A PayQI delivery, timestamp header and all, sent to Payvost's route: the payload does not back the
    // route, so the headers decide.
    let payqi_body = r#"{"id":"evt_1","type":"payment.completed","created":1767225600}"#;
    let mut request = crate::request::Request::post("/webhooks/payvost", payqi_body);
    request.headers.push("X-PayQI-Signature", "00");
    request.headers.push("X-PayQI-Timestamp", "1767225600");
    assert_eq!(name(route_owner(&providers, &request)), None);
    assert_eq!(name(detect(&providers, &request)), Some("payqi".into()));

    // Uncontested, the route's owner is taken without reading the body.
    let request = crate::request::Request::post("/webhooks/github", "not JSON");
    assert_eq!(name(route_owner(&providers, &request)), Some("github".into()));
}

/// Each variant (or the single fixture) of every event.
fn fixtures(provider: &Provider) -> Vec<(String, Option<String>)> {
    provider
        .events
        .iter()
        .flat_map(|e| {
            let variants: Vec<Option<String>> =
                if e.variants.is_empty() { vec![None] } else { e.variants.iter().cloned().map(Some).collect() };
            variants.into_iter().map(move |v| (e.name.clone(), v))
        })
        .collect()
}

#[test]
fn every_rendered_fixture_validates_against_its_schema_and_is_recognised() {
    let mut checked = 0;
    for provider in Catalog::builtin().all().expect("parses") {
        for (event, variant) in fixtures(&provider) {
            let spec = variant.as_ref().map_or_else(|| event.clone(), |v| format!("{event}:{v}"));
            let label = format!("{}/{spec}", provider.name);
            let mut rng = fastrand::Rng::with_seed(checked);
            let rendered = outgoing::render(&provider, &spec, &[], now(), &mut rng).expect(&label);
            let schema = EventSchema::load(&provider, rendered.event).expect(&label);
            assert_eq!(schema.validate(&rendered.payload), vec![], "{label}");
            assert!(!rendered.payload.to_string().contains("{{"), "{label}: a placeholder was left");

            // The envelope finds the type again (from the payload, or the header the provider sends: the type
            // alone, `pull_request` of `pull_request.opened`, whose kind the payload names).
            let mut headers = Headers::new();
            let def = provider.event(&event).expect(&label);
            let sent = def.sent_type().to_owned();
            for (name, template) in provider.header_templates(Some(def)) {
                if template.contains("{{event}}") {
                    headers.push(name, template.replace("{{event}}", &sent));
                } else if !template.contains("{{") {
                    // A fixed value (Twitch's `Twitch-Eventsub-Message-Type: notification`, or an event's own).
                    headers.push(name, template);
                }
            }
            assert_eq!(
                provider.event_type(Some(&rendered.payload), &headers).as_deref(),
                Some(event.as_str()),
                "{label}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} fixtures");
}

/// What `send` puts on the wire reads back, by the provider's own reading, as the payload that was validated:
/// a form fixture is correctly url-encoded (its JSON field included), a JSON one is JSON.
#[test]
fn every_fixture_as_sent_reads_back_as_its_payload() {
    let mut forms = 0;
    for provider in Catalog::builtin().all().expect("parses") {
        for (event, variant) in fixtures(&provider) {
            let spec = variant.as_ref().map_or_else(|| event.clone(), |v| format!("{event}:{v}"));
            let label = format!("{}/{spec}", provider.name);
            let rendered =
                outgoing::render(&provider, &spec, &[], now(), &mut fastrand::Rng::with_seed(3)).expect(&label);
            let body = provider.serialize_body(rendered.event, &rendered.payload);
            let content_type = rendered.event.body_format.content_type().map(str::as_bytes);
            let parsed = provider.parse_body(&body, content_type).expect(&label);
            assert_eq!((&parsed.value, parsed.format), (&rendered.payload, rendered.event.body_format), "{label}");
            // Without a Content-Type (a bare --body file), the body is still told for what it is.
            assert_eq!(provider.parse_body(&body, None).expect(&label).format, parsed.format, "{label}");
            if parsed.format == crate::body::BodyFormat::Form {
                assert!(crate::form::looks_like(&body), "{label}: {}", String::from_utf8_lossy(&body));
                forms += 1;
            }
        }
    }
    assert_eq!(forms, 5, "slack's slash_command and block_actions, twilio's three");
}

#[test]
fn a_form_event_needs_an_object_fixture_and_json_bodies_of_json_providers_are_unchanged() {
    let slack = Catalog::builtin().get("slack").expect("built in");
    assert!(slack.takes_forms());
    let payvost = Catalog::builtin().get("payvost").expect("built in");
    assert!(!payvost.takes_forms());
    // A JSON provider reads JSON only, whatever the Content-Type claims.
    let form_type = Some(crate::form::CONTENT_TYPE.as_bytes());
    assert!(matches!(payvost.parse_body(b"a=1", form_type), Err(crate::body::Unreadable::NotJson(_))));

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("formy");
    std::fs::create_dir_all(root.join("events")).expect("mkdir");
    std::fs::create_dir_all(root.join("schemas")).expect("mkdir");
    std::fs::write(
        root.join("provider.toml"),
        "name = \"formy\"\nbody_format = \"form\"\n[signature]\nalgorithm = \"none\"\n[events.ran]\n[events.clicked]\nbody_format = \"json\"\n",
    )
    .expect("write");
    std::fs::write(root.join("events/ran.json"), "[\"not\", \"fields\"]").expect("write");
    std::fs::write(root.join("events/clicked.json"), "[1]").expect("write");
    std::fs::write(root.join("schemas/ran.json"), "{}").expect("write");
    std::fs::write(root.join("schemas/clicked.json"), "{}").expect("write");
    let formy = Catalog::with_dirs(&[dir.path().to_owned()]).expect("catalog").get("formy").expect("parses");
    let format = |name: &str| formy.event(name).expect("exists").body_format;
    assert_eq!((format("ran"), format("clicked")), (crate::body::BodyFormat::Form, crate::body::BodyFormat::Json));
    let error = outgoing::render(&formy, "ran", &[], now(), &mut fastrand::Rng::with_seed(1)).err().expect("refused");
    assert!(error.to_string().contains("a form event's fixture is a JSON object of its fields"), "{error}");
    assert!(outgoing::render(&formy, "clicked", &[], now(), &mut fastrand::Rng::with_seed(1)).is_ok());
}

#[test]
fn a_schema_rejects_a_wrong_payload() {
    let provider = Catalog::builtin().get("payvost").expect("built in");
    let rendered = outgoing::render(&provider, "payment.succeeded", &[], now(), &mut fastrand::Rng::with_seed(1))
        .expect("renders");
    let schema = EventSchema::load(&provider, rendered.event).expect("loads");
    let mut wrong = rendered.payload.clone();
    wrong["data"]["status"] = Value::from("failed");
    wrong["type"] = Value::from("payment.exploded");
    let violations = schema.validate(&wrong);
    let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
    assert!(paths.contains(&"/data/status") && paths.contains(&"/type"), "{violations:?}");
}

#[test]
fn document_providers_have_every_documented_event() {
    let catalog = Catalog::builtin();
    let expect = |name: &str, events: &[&str]| {
        let provider = catalog.get(name).expect("built in");
        let names: Vec<&str> = provider.events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, events, "{name}");
        provider
    };
    let payvost = expect(
        "payvost",
        &[
            "payment.created",
            "payment.succeeded",
            "payment.failed",
            "payment.refunded",
            "transfer.created",
            "transfer.completed",
            "transfer.failed",
            "wallet.created",
            "wallet.balance_updated",
            "wallet.frozen",
            "user.created",
            "user.kyc_submitted",
            "user.kyc_verified",
            "user.kyc_rejected",
            "fraud.alert_created",
            "fraud.transaction_blocked",
        ],
    );
    assert_eq!(payvost.delivery.retry.iter().map(|d| d.as_secs()).collect::<Vec<_>>(), [5, 60, 300, 1800, 3600]);

    let verifynow = expect(
        "verifynow",
        &[
            "verification.completed",
            "verification.failed",
            "verification.expired",
            "verification.rejected",
            "verification.resubmitted",
        ],
    );
    let codes = &verifynow.event("verification.failed").expect("exists").variants;
    assert_eq!(codes.len(), 9, "one variant per documented failure code");
    assert_eq!(verifynow.delivery.retry_from, RetryFrom::First);
    assert_eq!(verifynow.scheme.credentials[0].header, "Authorization");

    let complycube = expect("complycube", &["check.completed", "check.expired"]);
    assert_eq!(&complycube.event("check.completed").expect("exists").variants[..2], ["approved", "rejected"]);
    assert_eq!(complycube.scheme.aliases, ["ComplyCube-Signature"]);

    let agio = expect("agio", &["applicantReviewed", "kyt.wallet_status"]);
    assert!(!agio.scheme.is_signed());
    assert_eq!(
        agio.event("applicantReviewed").expect("exists").variants,
        ["approved", "retry", "final", "init", "pending", "prechecked", "queued", "onHold", "every_field"],
        "the three documented examples, a variant per other reviewStatus, and every documented field"
    );
    assert_eq!(agio.event("kyt.wallet_status").expect("exists").variants.len(), 5);

    let payqi = expect(
        "payqi",
        &["payment.created", "payment.pending", "payment.completed", "payment.failed", "payment.expired"],
    );
    assert!(!payqi.scheme.timestamp_signed(), "PayQI's timestamp is not signed");
}

#[test]
fn a_user_folder_overrides_a_builtin_provider_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let payvost = dir.path().join("payvost");
    std::fs::create_dir_all(payvost.join("events")).expect("mkdir");
    std::fs::create_dir_all(payvost.join("schemas")).expect("mkdir");
    std::fs::write(
        payvost.join("provider.toml"),
        "name = \"payvost\"\n[signature]\nalgorithm = \"hmac-sha512\"\nheader = \"X-Sig\"\n[events.\"ping\"]\n",
    )
    .expect("write");
    std::fs::write(payvost.join("events/ping.json"), "{\"type\": \"{{event}}\"}").expect("write");
    std::fs::write(payvost.join("schemas/ping.json"), "{\"required\": [\"type\"]}").expect("write");

    let catalog = Catalog::with_dirs(&[dir.path().to_owned()]).expect("loads");
    let provider = catalog.get("payvost").expect("overridden");
    assert_eq!(provider.scheme.algorithm, crate::scheme::Algorithm::HmacSha512);
    assert_eq!(provider.events.len(), 1);
    let rendered = outgoing::render(&provider, "ping", &[], now(), &mut fastrand::Rng::with_seed(1)).expect("renders");
    assert_eq!(rendered.payload, serde_json::json!({"type": "ping"}));
    assert_eq!(catalog.names().count(), PROVIDERS.len(), "the others stay built in");
}

#[test]
fn provider_file_mistakes_are_explained() {
    let cases = [
        ("name = \"x\"\n[signature]\nalgorithm = \"hmac-md5\"\n", "unknown variant"),
        ("name = \"x\"\n[signature]\nalgorithm = \"hmac-sha256\"\n", "`signature.header` is required"),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"hmac-sha256\"\nheader = \"S\"\nlayout = \"prefixed\"\n",
            "`signature.prefix` is required",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"hmac-sha256\"\nheader = \"S\"\ncontent = \"{timestamp}.{body}\"\n",
            "no [timestamp] table",
        ),
        ("name = \"x\"\nroutes = [\"hooks\"]\n[signature]\nalgorithm = \"none\"\n", "must start with `/`"),
        ("name = \"x\"\n[signature]\nalgorithm = \"none\"\n[delivery]\nretry = [\"soon\"]\n", "is not a duration"),
        ("name = \"x\"\n[signature]\nalgorithm = \"none\"\nsurprise = 1\n", "unknown field"),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[events.e]\nheaders = { \"Bad Name\" = \"v\" }\n",
            "event `e`: headers: `Bad Name` is not a valid header name",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[events.e]\nheaders = { \"X-Kind\" = 1 }\n",
            "header `X-Kind` must be a string",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\nevent = \"v\"\nchallenge_query = \"c\"\nanswer = \"echo\"\n",
            "add method = \"GET\"",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\nevent = \"v\"\nmethod = \"GET\"\nanswer = \"echo\"\n",
            "its challenge is handshake.challenge_query",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\nevent = \"v\"\nmethod = \"PUT\"\nanswer = \"echo\"\n",
            "must be \"POST\" or \"GET\"",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\nevent = \"v\"\nchallenge = \"/c\"\nchallenge_header = \"X-C\"\nanswer = \"echo\"\n",
            "give one of challenge, challenge_query and challenge_header",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\nevent = \"v\"\nmethod = \"GET\"\nchallenge_query = \"c\"\nanswer = \"header\"\n",
            "set handshake.challenge_header",
        ),
        (
            "name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\nevent = \"v\"\nchallenge_header = \"X-C\"\nanswer = \"json\"\nbody = \"{}\"\n",
            "answers a handshake with a body",
        ),
    ];
    for (text, expected) in cases {
        let error = file::ProviderFile::parse(text)
            .and_then(|f| f.into_provider(Files::Dir("/nowhere".into())))
            .expect_err(text);
        assert!(error.contains(expected), "{text}\n=> {error}");
    }
}

/// Twitch: the first of its type headers whose value is a catalog event names the request, else the last as it is;
/// an event's own headers replace the provider's of the same name.
#[test]
fn an_event_is_named_by_the_first_header_naming_a_catalog_event() {
    let twitch = Catalog::builtin().get("twitch").expect("built in");
    let named = |message_type: &str, subscription: &str| {
        let mut headers = Headers::new();
        headers.push("twitch-eventsub-message-type", message_type);
        headers.push("Twitch-Eventsub-Subscription-Type", subscription);
        twitch.event_type(None, &headers)
    };
    assert_eq!(named("revocation", "channel.follow").as_deref(), Some("revocation"));
    assert_eq!(
        named("webhook_callback_verification", "stream.online").as_deref(),
        Some("webhook_callback_verification")
    );
    assert_eq!(named("notification", "stream.online").as_deref(), Some("stream.online"));
    assert_eq!(named("notification", "channel.ban").as_deref(), Some("channel.ban"), "not in the catalog: as it is");
    let mut only = Headers::new();
    only.push("Twitch-Eventsub-Message-Type", "revocation");
    assert_eq!(twitch.event_type(None, &only).as_deref(), Some("revocation"));

    let handshake = twitch.event("webhook_callback_verification").expect("in catalog");
    let sent = twitch.header_templates(Some(handshake));
    assert!(sent.contains(&("Twitch-Eventsub-Message-Type", "webhook_callback_verification")), "{sent:?}");
    assert!(sent.contains(&("Twitch-Eventsub-Subscription-Type", "channel.follow")), "{sent:?}");
    assert_eq!(sent.len(), twitch.headers.len(), "replaced in place, none added: {sent:?}");
    let follow = twitch.event("channel.follow").expect("in catalog");
    assert!(twitch.header_templates(Some(follow)).contains(&("Twitch-Eventsub-Subscription-Type", "{{event}}")));
}

/// A GET's query parameter and a bodiless POST's header are challenges as a body field is: each is found only on
/// its kind of request, and answered with the headers the provider asks for.
#[test]
fn query_and_header_challenges_are_found_and_answered() {
    use crate::request::Request;
    let parse = |handshake: &str| {
        let text = format!("name = \"x\"\n[signature]\nalgorithm = \"none\"\n[handshake]\n{handshake}");
        file::ProviderFile::parse(&text)
            .and_then(|f| f.into_provider(Files::Dir("/nowhere".into())))
            .expect(handshake)
            .handshake
            .expect("a handshake")
    };
    let dropbox = parse(
        "event = \"verification\"\nmethod = \"GET\"\nchallenge_query = \"challenge\"\nanswer = \"echo\"\n\
         headers = { \"X-Content-Type-Options\" = \"nosniff\" }\n",
    );
    let get = Request { method: "GET".into(), target: "/hook?a=1&challenge=x%2By+z".into(), ..Request::post("/", "") };
    assert_eq!(dropbox.challenge_of(&get).as_deref(), Some("x+y z"));
    assert!(dropbox.recognises(&get, None));
    let reply = dropbox.answer(&get, None).expect("answered");
    assert_eq!((reply.content_type.as_deref(), reply.body.as_slice()), (Some("text/plain"), b"x+y z".as_slice()));
    assert_eq!(reply.headers, vec![("X-Content-Type-Options".to_owned(), "nosniff".to_owned())]);
    let post = Request { target: "/hook?challenge=x".into(), ..Request::post("/", "") };
    assert!(!dropbox.recognises(&post, None), "only a GET");

    let asana = parse("event = \"handshake\"\nchallenge_header = \"X-Hook-Secret\"\nanswer = \"header\"\n");
    let mut post = Request::post("/hook", "");
    assert!(!asana.recognises(&post, None));
    post.headers.push("x-hook-secret", "b537207f");
    let reply = asana.answer(&post, None).expect("answered");
    assert_eq!(reply.headers, vec![("X-Hook-Secret".to_owned(), "b537207f".to_owned())]);
    assert!(reply.body.is_empty() && reply.content_type.is_none());
}

#[test]
fn the_documents_own_examples_validate() {
    let catalog = Catalog::builtin();
    let check = |provider: &str, event: &str, payload: Value| {
        let provider = catalog.get(provider).expect("built in");
        let schema = EventSchema::load(&provider, provider.event(event).expect("in catalog")).expect("loads");
        assert_eq!(schema.validate(&payload), vec![], "{} {event}", provider.name);
    };
    // provider-docs/002, "Webhook Event Structure".
    check(
        "payvost",
        "payment.succeeded",
        serde_json::json!({"id": "evt_abc123xyz", "type": "payment.succeeded", "createdAt": "2025-11-01T10:00:00Z",
            "liveMode": true, "data": {"id": "pay_def456uvw", "amount": "99.99", "currency": "USD", "status": "succeeded",
            "customer": {"email": "customer@example.com", "name": "John Doe"}, "metadata": {"orderId": "order_12345"}},
            "previousData": null}),
    );
    // provider-docs/001, "Manual Test" with cURL.
    check(
        "verifynow",
        "verification.completed",
        serde_json::json!({"event": "verification.completed", "timestamp": "2024-12-26T10:30:45Z",
            "data": {"userID": "test-user-id", "status": "approved", "result": "verified", "confidence_score": 0.98}}),
    );
    // provider-docs/003, "Example Final Approval" and the KYT example.
    check(
        "agio",
        "applicantReviewed",
        serde_json::json!({"applicantId": "5cb56e8e0a975a35f333cb83", "inspectionId": "5cb56e8e0a975a35f333cb84",
            "correlationId": "req-a260b669-4f14-4bb5-a4c5-ac0218acb9a4", "externalUserId": "externalUserId",
            "levelName": "basic-kyc-level", "type": "applicantReviewed", "reviewResult": {"reviewAnswer": "GREEN"},
            "reviewStatus": "completed", "createdAt": "2020-02-21 13:23:19+0000"}),
    );
    check(
        "agio",
        "kyt.wallet_status",
        serde_json::json!({"id": 12345, "wallet_address": "0x1234567890abcdef1234567890abcdef12345678",
            "external_user_id": "user-abc-123", "status_id": 4, "clean_wallet": false,
            "created_at": "2024-01-15T10:30:00Z", "updated_at": "2024-01-15T10:31:45Z"}),
    );
}

mod properties {
    use base64::Engine as _;
    use proptest::prelude::*;

    use crate::provider::Catalog;
    use crate::request::Request;
    use crate::scheme::{KeyEncoding, Keys, Outcome, verify};
    use crate::secret::Secret;

    fn keys_for(scheme: &crate::scheme::Scheme, secret: &[u8]) -> Keys {
        // Base64-keyed schemes (Standard Webhooks) take `whsec_` + base64; the others any text.
        // A key-pair scheme (Discord, SendGrid) takes a private key, written as `keys generate` writes it.
        let text = match (scheme.algorithm.asymmetric(), scheme.key) {
            (Some(algorithm), _) => {
                algorithm.generate().expect("random").serialise(&scheme.key_forms).expose().to_owned()
            }
            (None, KeyEncoding::Base64) => {
                format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(secret))
            }
            (None, KeyEncoding::Raw) => format!("k{}", hex::encode(secret)),
        };
        let credentials = scheme.credentials.iter().map(|c| (c.name.clone(), Secret::new("key"))).collect();
        let url = scheme.needs_url().then(|| "https://example.com/webhooks?a=1".to_owned());
        Keys { secret: Some(Secret::new(text)), credentials, url, ..Default::default() }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// For every provider: what `sign` produces, `verify` accepts; change any one byte and it does not.
        #[test]
        fn sign_then_verify_and_any_changed_byte_fails(
            body in proptest::collection::vec(any::<u8>(), 1..2048),
            secret in proptest::collection::vec(any::<u8>(), 1..64),
            at in 0i64..4_000_000_000,
            id in "[A-Za-z0-9_]{1,40}",
            flip in any::<proptest::sample::Index>(),
            bits in 1u8..=255,
        ) {
            // A signature in a JSON body field (Mailgun) needs a JSON body: its own test is in scheme::tests.
            for provider in Catalog::builtin().all().expect("built in").into_iter().filter(|p| p.scheme.in_header()) {
                let scheme = &provider.scheme;
                let keys = keys_for(scheme, &secret);
                let mut request = Request::post(provider.routes[0].clone(), body.clone());
                for (name, value) in scheme.sign(&request, &keys, at, &id).expect("signs").iter() {
                    request.headers.push(name, value);
                }
                let expected = if scheme.is_signed() { Outcome::Valid } else { Outcome::Unsigned };
                prop_assert_eq!(verify(&request, scheme, &keys, at).outcome, expected, "{}", provider.name);
                // Twilio signs the decoded form fields, not the bytes (`+` and `%20` are the same field); a shared
                // token (GitLab) covers nothing of the body.
                if scheme.covers_body() {
                    let index = flip.index(request.body.len());
                    let mut body = request.body.to_vec();
                    body[index] ^= bits;
                    request.body = body.into();
                    prop_assert_eq!(verify(&request, scheme, &keys, at).outcome, Outcome::Mismatch, "{}", provider.name);
                }
            }
        }
    }
}

/// Zoom's endpoint.url_validation answer: the plain token and its hex HMAC-SHA256 under the secret token.
#[test]
fn a_handshake_answer_echoes_or_signs_the_challenge() {
    use crate::request::Request;
    let zoom = Handshake {
        event: "endpoint.url_validation".into(),
        challenge: Challenge::Body("/payload/plainToken".into()),
        answer: HandshakeAnswer::HmacSha256Hex { plain_key: "plainToken".into(), mac_key: "encryptedToken".into() },
        headers: Vec::new(),
    };
    let body = Request::post(
        "/",
        &br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event":"endpoint.url_validation"}"#[..],
    );
    let secret = crate::secret::Secret::new("secret-token");
    let reply = zoom.answer(&body, Some(&secret)).expect("answers");
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
    // Computed with Python's hmac module.
    let expected = "5b72bd117f184f54093c1c3c11499c1d13e6d56dc0d96e6b78fbfecedc953b75";
    assert_eq!(answer, serde_json::json!({"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}));
    assert_eq!(zoom.answer(&body, None), None, "no secret, no right answer");

    let slack = Catalog::builtin().get("slack").expect("built in").handshake.expect("slack has one");
    let request = Request::post("/", &br#"{"type":"url_verification","challenge":"c-1"}"#[..]);
    let reply = slack.answer(&request, None).expect("echo");
    assert_eq!((reply.content_type.as_deref(), reply.body.as_slice()), (Some("text/plain"), &b"c-1"[..]));
    assert_eq!(slack.answer(&Request::post("/", &b"{}"[..]), None), None);
}
