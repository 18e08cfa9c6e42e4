//! providers import: a provider folder from an OpenAPI document's webhooks, its fixtures satisfying its schemas.

use serde_json::Value;

use crate::common::*;

fn spec(name: &str) -> String {
    format!("{}/tests/specs/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn an_openapi_document_becomes_a_provider_whose_fixtures_sign_verify_and_validate() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("shop");
    let out_arg = out.to_str().expect("UTF-8");
    let stdout = hookctl(&[
        "providers",
        "import",
        &spec("shop-webhooks.yaml"),
        "--name",
        "shop",
        "--scheme",
        "payvost",
        "-o",
        out_arg,
    ])
    .ok();
    assert!(
        stdout.contains("2 events")
            && stdout.contains("1 fixture from examples, 0 from examples completed to fit their schema, 1 generated"),
        "{stdout}"
    );

    // Named otherwise than its base, it has its own route and secret, not payvost's.
    let provider = std::fs::read_to_string(out.join("provider.toml")).expect("provider.toml");
    assert!(provider.contains(r#"secret_env = ["SHOP_WEBHOOK_SECRET"]"#), "{provider}");
    assert!(provider.contains(r#"routes = ["/webhooks/shop"]"#), "{provider}");

    // One shared definitions file; the events' schemas refer to it instead of repeating it.
    let envelope: Value =
        serde_json::from_slice(&std::fs::read(out.join("schemas/envelope.json")).expect("envelope")).expect("JSON");
    let defs: Vec<&String> = envelope["$defs"].as_object().expect("defs").keys().collect();
    assert_eq!(defs, ["customer", "order", "order-event"]);
    let refunded = std::fs::read_to_string(out.join("schemas/order.refunded.json")).expect("schema");
    assert!(refunded.contains("#/$defs/order-event") && !refunded.contains("placed_at"), "{refunded}");

    // The example is the paid fixture; the refunded one is generated from the schema: required fields, enum,
    // pattern, format.
    let providers = dir.path().to_str().expect("UTF-8");
    let paid: Value =
        serde_json::from_str(&hookctl(&["fixtures", "shop", "order.paid", "--providers", providers]).ok())
            .expect("JSON");
    assert_eq!(paid["order"]["id"], "ord_1");
    let generated: Value =
        serde_json::from_str(&hookctl(&["fixtures", "shop", "order.refunded", "--providers", providers]).ok())
            .expect("JSON");
    assert_eq!(generated["refund"]["reason"], "requested_by_customer");
    assert!(generated["refund"]["id"].as_str().expect("id").starts_with("re_"), "{generated}");
    assert_eq!(generated["order"]["currency"].as_str().map(str::len), Some(3));

    // Sent with Payvost's scheme to a listener that knows the imported provider: signed and valid.
    let listening = listen(&["--providers", providers]);
    hookctl(&["send", "shop", "*", "--to", &listening.to(), "--providers", providers])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let lines = listening.wait_lines(2);
    for line in &lines {
        assert!(line.contains("shop") && line.contains("✓ signed") && line.contains("✓ schema"), "{line}");
    }
}

#[test]
fn documents_without_webhooks_or_with_dangling_refs_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("temp");
    let cases = [
        (
            "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"x\", \"version\": \"1\"}, \"paths\": {}}",
            "describes no webhooks",
        ),
        (
            "{\"openapi\": \"3.1.0\", \"webhooks\": {\"a\": {\"post\": {\"requestBody\": {\"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/missing\"}}}}}}}}",
            "cannot resolve $ref `#/components/schemas/missing`",
        ),
        ("{\"swagger\": \"2.0\"}", "not an OpenAPI document"),
        ("webhooks: [unclosed", "neither JSON nor valid YAML"),
    ];
    for (i, (text, says)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("spec{i}.json"));
        std::fs::write(&path, text).expect("write");
        let out = dir.path().join("payvost");
        let (_, stderr) = hookctl(&[
            "providers",
            "import",
            path.to_str().expect("UTF-8"),
            "--scheme",
            "payvost",
            "-o",
            out.to_str().expect("UTF-8"),
        ])
        .code(2);
        assert!(stderr.contains(says), "{text}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(!out.exists(), "nothing written");
    }
}

#[test]
fn an_example_the_schema_rejects_is_completed_keeping_what_it_has() {
    let dir = tempfile::tempdir().expect("temp");
    let examples = dir.path().join("examples");
    std::fs::create_dir_all(&examples).expect("mkdir");
    // Older than the schema: no refund.sku, a lower-case currency, a customer with a bad email but a name.
    std::fs::write(
        examples.join("order.refunded.json"),
        r#"{"type": "order.refunded", "id": "evt_9", "refund": {"id": "re_abcdefabcdef", "reason": "fraudulent"},
            "order": {"id": "ord_9", "total": 700, "currency": "eur", "placed_at": "2026-01-02T03:04:05Z",
                      "customer": {"email": "not an address", "name": "Ada"}}}"#,
    )
    .expect("write");
    // A hand-written variant with placeholders, missing placed_at: completed, its placeholders kept.
    std::fs::write(
        examples.join("order.paid@fresh.json"),
        r#"{"type": "order.paid", "id": "{{id:evt_}}", "order": {"id": "{{id:ord_}}", "total": "{{int:1:999}}", "currency": "USD", "customer": null}}"#,
    )
    .expect("write");
    let out = dir.path().join("shop");
    let stdout = hookctl(&[
        "providers",
        "import",
        &spec("shop-webhooks.yaml"),
        "--name",
        "shop",
        "--scheme",
        "payvost",
        "--examples",
        examples.to_str().expect("UTF-8"),
        "-o",
        out.to_str().expect("UTF-8"),
    ])
    .ok();
    assert!(
        stdout.contains("1 fixture from examples, 1 from examples completed to fit their schema, 0 generated"),
        "{stdout}"
    );

    let refunded: Value =
        serde_json::from_slice(&std::fs::read(out.join("events/order.refunded.json")).expect("fixture")).expect("JSON");
    assert_eq!((refunded["id"].as_str(), refunded["refund"]["id"].as_str()), (Some("evt_9"), Some("re_abcdefabcdef")));
    assert!(refunded["refund"]["sku"].as_str().is_some_and(|sku| sku.len() >= 4), "{refunded}");
    let currency = refunded["order"]["currency"].as_str().expect("currency");
    assert!(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()), "{refunded}");
    assert_eq!(refunded["order"]["customer"]["name"], "Ada", "the rest of the customer is kept: {refunded}");
    assert_ne!(refunded["order"]["customer"]["email"], "not an address");
    let fresh = std::fs::read_to_string(out.join("events/order.paid@fresh.json")).expect("variant");
    assert!(fresh.contains("{{id:evt_}}") && fresh.contains("{{int:1:999}}") && fresh.contains("placed_at"), "{fresh}");

    // Every fixture, the completed ones and the variant, signs and validates.
    let providers = dir.path().to_str().expect("UTF-8");
    let listening = listen(&["--providers", providers]);
    hookctl(&["send", "shop", "*", "--to", &listening.to(), "--providers", providers])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let lines = listening.wait_lines(3);
    for line in &lines {
        assert!(line.contains("✓ signed") && line.contains("✓ schema"), "{line}");
    }
}

/// A webhook without a request body has no fixture to make: left out with a warning that names it, and a
/// document of only such webhooks is an error that says so.
#[test]
fn webhooks_without_a_body_are_named_when_left_out() {
    let dir = tempfile::tempdir().expect("temp");
    let schema = "{type: object, required: [id], properties: {id: {type: string}}}";
    let both = format!(
        "openapi: 3.1.0\ninfo: {{title: Acme, version: '1.0'}}\nwebhooks:\n  order.paid:\n    post:\n      requestBody:\n        \
         content:\n          application/json:\n            schema: {schema}\n  ping:\n    get:\n      description: a ping\n"
    );
    let only_get = "openapi: 3.1.0\ninfo: {title: Acme, version: '1.0'}\nwebhooks:\n  ping:\n    get:\n      description: a ping\n";
    std::fs::write(dir.path().join("both.yaml"), both).expect("write");
    std::fs::write(dir.path().join("get.yaml"), only_get).expect("write");
    let at = |name: &str| dir.path().join(name).to_str().expect("UTF-8").to_owned();
    let out = at("acme");
    let (stdout, stderr) =
        hookctl(&["providers", "import", &at("both.yaml"), "--scheme", "payvost", "--name", "acme", "-o", &out])
            .code(0);
    assert!(stdout.contains("acme: 1 event written"), "{stdout}");
    assert!(stderr.contains("`ping` GET: no request body to make a fixture of; left out"), "{stderr}");
    let (_, stderr) =
        hookctl(&["providers", "import", &at("get.yaml"), "--scheme", "payvost", "--name", "acme", "-o", &out]).code(2);
    assert!(
        stderr.contains("describes no webhook with a request body to make a fixture of (without one: `ping` GET)"),
        "{stderr}"
    );
}
