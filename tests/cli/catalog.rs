//! providers, fixtures, user providers, colour.

use serde_json::Value;

use crate::common::*;
#[test]
fn providers_lists_every_provider_under_its_category() {
    let stdout = hookctl(&["providers"]).ok();
    // `category (n)` headings, each followed by its providers, indented.
    let mut names = Vec::new();
    let mut heading: Option<(String, usize)> = None;
    for line in stdout.lines().filter(|l| !l.is_empty()) {
        if let Some(row) = line.strip_prefix("  ") {
            let name = row.split_whitespace().next().expect("a name");
            let (category, _) = heading.as_ref().expect("a provider under a heading");
            let model: Value = serde_json::from_str(&hookctl(&["providers", name, "--json"]).ok()).expect("JSON");
            assert_eq!(model["category"], category.as_str(), "{name} listed under {category}");
            names.push(name.to_owned());
            continue;
        }
        let (category, count) = line.split_once(" (").expect("a heading: category (n)");
        let count: usize = count.trim_end_matches(')').parse().expect("a count");
        heading = Some((category.to_owned(), count));
        let listed =
            stdout.split(&format!("{line}\n")).nth(1).expect("rows").lines().take_while(|l| l.starts_with("  "));
        assert_eq!(listed.count(), count, "{line}");
    }
    names.sort();
    assert_eq!(names, PROVIDERS);
    assert!(stdout.lines().any(|l| l.starts_with("  agio") && l.contains("unsigned")), "{stdout}");
    for heading in ["payments (", "kyc (", "devtools (", "identity (", "video ("] {
        assert!(stdout.lines().any(|l| l.starts_with(heading)), "{heading} in {stdout}");
    }
}

#[test]
fn providers_search_matches_name_title_description_category_and_events() {
    let search = |text: &str| -> Vec<String> {
        let stdout = hookctl(&["providers", "--search", text, "--json"]).ok();
        stdout
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("JSON")["name"].as_str().expect("name").to_owned())
            .collect()
    };
    // The category (onfido, veriff, complycube, …) and the description (payvost's "user KYC").
    let kyc = search("kyc");
    for name in ["agio", "complycube", "onfido", "veriff", "verifynow", "payvost"] {
        assert!(kyc.iter().any(|n| n == name), "{name} in {kyc:?}");
    }
    assert!(!kyc.iter().any(|n| n == "stripe" || n == "github"), "{kyc:?}");
    // An event name, every word, any case: only Coinbase Commerce has charge:confirmed.
    assert_eq!(search("CHARGE confirmed"), ["coinbase-commerce"]);
    // A title ("Lemon Squeezy") and a name.
    assert_eq!(search("lemon squeezy"), ["lemonsqueezy"]);
    assert_eq!(search("bitbucket"), ["bitbucket"]);

    let text = hookctl(&["providers", "--search", "kyc"]).ok();
    assert!(text.starts_with("payments (1)\n  payvost"), "grouped as the full list is: {text}");
    assert!(!text.contains("stripe"), "{text}");

    let (_, stderr) = hookctl(&["providers", "--search", "no-such-thing"]).code(2);
    assert!(stderr.contains("no provider matches \"no-such-thing\""), "{stderr}");
    let (_, stderr) = hookctl(&["providers", "--search", "  "]).code(2);
    assert!(stderr.contains("--search needs a word"), "{stderr}");
    let (_, stderr) = hookctl(&["providers", "stripe", "--search", "kyc"]).code(2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn providers_name_shows_the_category_and_what_the_scheme_was_checked_against() {
    let clerk = hookctl(&["providers", "clerk"]).ok();
    assert!(clerk.contains("Category    identity"), "{clerk}");
    assert!(clerk.contains("Checked     npm svix 2.5.0 and PyPI svix 2.9.1"), "{clerk}");
    // Runs of equal retry delays are counted, not repeated; two in a row stay as written.
    let paystack = hookctl(&["providers", "paystack"]).ok();
    assert!(paystack.contains("Retries     3m ×4, 1h ×72 (each after the attempt before)"), "{paystack}");
    assert!(clerk.contains("Retries     5s, 5m, 30m, 2h, 5h, 10h, 10h ("), "{clerk}");
    let vercel = hookctl(&["providers", "vercel"]).ok();
    assert!(vercel.contains("Checked     scheme from the provider's docs; not checked against an SDK"), "{vercel}");
    let model: Value = serde_json::from_str(&hookctl(&["providers", "vercel", "--json"]).ok()).expect("JSON");
    assert_eq!(model["category"], "infrastructure");
    assert_eq!(model["checked"], "scheme from the provider's docs; not checked against an SDK");
    // Unsigned deliveries have nothing to check.
    assert!(!hookctl(&["providers", "agio"]).ok().contains("Checked"));
}

#[test]
fn an_event_name_with_a_colon_is_one_event_not_a_variant() {
    let stdout = hookctl(&["fixtures", "bitbucket", "repo:push"]).ok();
    let push: Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(push["push"]["changes"].is_array(), "{stdout}");
    let server = TestServer::start();
    hookctl(&["send", "coinbase-commerce", "charge:confirmed", "--to", &server.to()])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let body: Value = serde_json::from_slice(&server.requests()[0].body).expect("JSON");
    assert_eq!(body["event"]["type"], "charge:confirmed");
    // A variant is still read after the last colon.
    let (_, stderr) = hookctl(&["fixtures", "linear", "Issue:nope"]).code(2);
    assert!(stderr.contains("create") && stderr.contains("update"), "{stderr}");
}

#[test]
fn a_user_provider_names_a_known_category() {
    let toml =
        "name = \"acme\"\ncategory = \"payment\"\n[signature]\nalgorithm = \"hmac-sha256\"\nheader = \"X-Sig\"\n";
    let (_, stderr) =
        hookctl(&["providers", "acme", "--providers", "mine"]).file("mine/acme/provider.toml", toml).code(1);
    assert!(stderr.contains("category \"payment\" is not one of payments,"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn providers_payvost_shows_header_route_retries_and_events() {
    let stdout = hookctl(&["providers", "payvost"]).ok();
    assert!(stdout.contains("Payvost-Signature: <signature>"), "{stdout}");
    assert!(stdout.contains("/webhooks/payvost"), "{stdout}");
    assert!(stdout.contains("Retries     5s, 1m, 5m, 30m, 1h"), "{stdout}");
    assert!(stdout.contains("Events (16)"), "{stdout}");
    for event in ["payment.created", "wallet.balance_updated", "user.kyc_rejected", "fraud.transaction_blocked"] {
        assert!(stdout.contains(event), "{event} in {stdout}");
    }
}

#[test]
fn providers_json_is_valid_json() {
    let stdout = hookctl(&["providers", "--json"]).ok();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON object per line")).collect();
    assert_eq!(lines.len(), PROVIDERS.len());
    let payvost = lines.iter().find(|l| l["name"] == "payvost").expect("payvost listed");
    assert_eq!(payvost["events"], 16);
    assert_eq!(payvost["category"], "payments");

    let stdout = hookctl(&["providers", "payvost", "--json"]).ok();
    let payvost: Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(payvost["signature"]["header"], "Payvost-Signature");
    assert_eq!(payvost["delivery"]["retry_secs"], serde_json::json!([5, 60, 300, 1800, 3600]));
    assert_eq!(payvost["events"].as_array().map(Vec::len), Some(16));
    assert_eq!(payvost["secret_env"], serde_json::json!(["PAYVOST_WEBHOOK_SECRET", "WEBHOOK_SECRET"]));
}

#[test]
fn unknown_names_get_did_you_mean() {
    let (_, stderr) = hookctl(&["fixtures", "payvst"]).code(2);
    assert!(stderr.contains("did you mean `payvost`"), "{stderr}");
    let (_, stderr) = hookctl(&["fixtures", "payvost", "payment.succeded"]).code(2);
    assert!(stderr.contains("did you mean `payment.succeeded`"), "{stderr}");
    let (_, stderr) = hookctl(&["sign", "complycube", "--event", "check.completed:aproved", "--secret", "s"]).code(2);
    assert!(stderr.contains("did you mean `approved`"), "{stderr}");
}

#[test]
fn fixtures_lists_every_event_and_variant() {
    let stdout = hookctl(&["fixtures"]).ok();
    assert!(stdout.lines().count() >= 60, "{stdout}");
    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split_whitespace().take(2).collect()).collect();
    assert!(rows.contains(&vec!["complycube", "check.completed:approved"]), "{stdout}");
    assert!(rows.contains(&vec!["verifynow", "verification.failed:underage"]), "{stdout}");
    let stdout = hookctl(&["fixtures", "agio", "--json"]).ok();
    let rows: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    let events = rows.iter().filter(|r| r.get("event").is_some()).count();
    assert_eq!(events, 14, "9 applicantReviewed variants (one per reviewStatus), 5 kyt.wallet_status");
    let scenarios: Vec<&Value> = rows.iter().filter_map(|r| r.get("scenario")).collect();
    assert_eq!(scenarios, ["kyt-approved", "review-retry-approved"]);
    assert!(rows.iter().any(|r| r["event"] == "kyt.wallet_status" && r["route"] == "/webhooks/agio/kyt"));
}

#[test]
fn fixtures_render_fresh_values_and_typed_overrides() {
    let first = hookctl(&["fixtures", "payvost", "payment.succeeded", "--set", "data.amount=10.00"]).ok();
    let second = hookctl(&["fixtures", "payvost", "payment.succeeded"]).ok();
    let first: Value = serde_json::from_str(&first).expect("JSON");
    let second: Value = serde_json::from_str(&second).expect("JSON");
    assert_ne!(first["id"], second["id"], "fresh ids on every render");
    assert_eq!(first["data"]["amount"], "10.00", "a string stays a string");

    let stdout = hookctl(&[
        "fixtures",
        "payqi",
        "payment.failed",
        "--set",
        "data.amount=12.5",
        "--set",
        "data.metadata:={\"order_id\":\"o1\",\"a\":1}",
        "--json",
    ])
    .ok();
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["payload"]["data"]["amount"], 12.5, "a number stays a number");
    assert_eq!(json["payload"]["data"]["metadata"]["a"], 1);

    let (_, stderr) = hookctl(&["fixtures", "payqi", "payment.failed", "--set", "data.amount=lots"]).code(2);
    assert!(stderr.contains("data.amount") && stderr.contains("is a number"), "{stderr}");
}

#[test]
fn user_providers_add_and_override() {
    let toml = "name = \"acme\"\nroutes = [\"/hooks/acme\"]\nsecret_env = [\"ACME_SECRET\"]\n\
                [signature]\nalgorithm = \"hmac-sha1\"\nheader = \"X-Acme-Sig\"\nlayout = \"prefixed\"\nprefix = \"sha1=\"\n\
                [events.\"thing.happened\"]\ndescription = \"A thing\"\n";
    let run = || {
        hookctl(&["sign", "acme", "--event", "thing.happened", "--providers", "mine"])
            .file("mine/acme/provider.toml", toml)
            .file("mine/acme/events/thing.happened.json", "{\"type\": \"{{event}}\", \"id\": \"{{id:evt_}}\"}")
            .file("mine/acme/schemas/thing.happened.json", "{\"required\": [\"type\"]}")
            .env("ACME_SECRET", "x")
    };
    let stdout = run().ok();
    assert!(header(&stdout, "X-Acme-Sig").starts_with("sha1="));
    assert_eq!(header(&stdout, "X-Acme-Sig").len(), 5 + 40);
    let mut list = run();
    list.command_args(&["providers", "--providers", "mine"]);
    let listed = list.ok();
    assert_eq!(listed.lines().filter(|l| l.starts_with("  ")).count(), PROVIDERS.len() + 1, "{listed}");
    // A provider that names no category is listed under `other`, last.
    assert!(listed.contains("other (1)\n  acme"), "{listed}");
    let (_, stderr) = hookctl(&["providers", "--providers", "mine"]).file("mine/acme/provider.toml", toml).code(1);
    assert!(stderr.contains("events/thing.happened.json is missing"), "a missing fixture is found on load: {stderr}");
}

#[test]
fn a_broken_user_provider_is_one_clear_line() {
    let (_, stderr) = hookctl(&["providers", "acme", "--providers", "mine"])
        .file("mine/acme/provider.toml", "name = \"acme\"\n[signature]\nalgorithm = \"hmac-md5\"\n")
        .code(1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("provider.toml") && stderr.contains("hmac-md5"), "{stderr}");
    let (_, stderr) = hookctl(&["providers", "--providers", "nowhere"]).code(1);
    assert!(stderr.contains("nowhere"), "{stderr}");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let plain = hookctl(&["providers"]).ok();
    assert!(!plain.contains('\u{1b}'), "not a terminal: no colour");
    let coloured = hookctl(&["providers", "--color", "always"]).ok();
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    let never = hookctl(&["providers", "--color", "never"]).env("NO_COLOR", "1").ok();
    assert!(!never.contains('\u{1b}'));
}
