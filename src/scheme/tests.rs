//! Public test vectors (provider-docs/README.md) and the verdicts around them.

use std::time::Duration;

use super::*;

fn scheme(algorithm: Algorithm, header: &str, content: &str, encoding: Encoding, layout: Layout) -> Scheme {
    Scheme {
        algorithm,
        header: header.into(),
        aliases: Vec::new(),
        content: Template::parse(content).expect("valid template"),
        key: KeyEncoding::Raw,
        key_prefix: None,
        encoding,
        layout,
        timestamp: None,
        message_id: None,
        credentials: Vec::new(),
        algorithm_header: None,
        signature_field: None,
        body_digest: None,
    }
}

fn standard_webhooks() -> Scheme {
    Scheme {
        key: KeyEncoding::Base64,
        key_prefix: Some("whsec_".into()),
        timestamp: Some(TimestampSpec {
            header: Some("webhook-timestamp".into()),
            aliases: vec!["svix-timestamp".into()],
            field: None,
            millis: false,
            tolerance: Duration::from_secs(300),
        }),
        message_id: Some(MessageIdSpec {
            header: "webhook-id".into(),
            aliases: vec!["svix-id".into()],
            format: "{{id:msg_}}".into(),
        }),
        aliases: vec!["svix-signature".into()],
        ..scheme(
            Algorithm::HmacSha256,
            "webhook-signature",
            "{id}.{timestamp}.{body}",
            Encoding::Base64,
            Layout::VersionedList { version: "v1".into() },
        )
    }
}

fn github() -> Scheme {
    scheme(Algorithm::HmacSha256, "X-Hub-Signature-256", "{body}", Encoding::Hex, Layout::Prefixed("sha256=".into()))
}

fn stripe() -> Scheme {
    Scheme {
        timestamp: Some(TimestampSpec {
            header: None,
            aliases: Vec::new(),
            field: None,
            millis: false,
            tolerance: Duration::from_secs(300),
        }),
        ..scheme(
            Algorithm::HmacSha256,
            "Stripe-Signature",
            "{timestamp}.{body}",
            Encoding::Hex,
            Layout::KeyValue {
                timestamp_key: "t".into(),
                signature_key: "v1".into(),
                separator: ",".into(),
                group_separator: None,
            },
        )
    }
}

fn keys(secret: &str) -> Keys {
    Keys { secret: Some(Secret::new(secret)), credentials: Vec::new(), ..Default::default() }
}

fn signed(scheme: &Scheme, body: &str, secret: &str, at: i64, id: &str) -> Request {
    let mut request = Request::post("/", body.to_owned());
    let headers = scheme.sign(&request, &keys(secret), at, id).expect("signs");
    for (name, value) in headers.iter() {
        request.headers.push(name, value);
    }
    request
}

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_BODY: &str = r#"{"test": 2432232314}"#;

#[test]
fn standard_webhooks_public_vector() {
    let request = signed(&standard_webhooks(), SW_BODY, SW_SECRET, 1_614_265_330, SW_ID);
    assert_eq!(request.headers.get_str("webhook-signature"), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    assert_eq!(request.headers.get_str("webhook-id"), Some(SW_ID));
    assert_eq!(request.headers.get_str("webhook-timestamp"), Some("1614265330"));
    let verdict = verify(&request, &standard_webhooks(), &keys(SW_SECRET), 1_614_265_330);
    assert_eq!(verdict.outcome, Outcome::Valid);
    assert_eq!(verdict.timestamp, Some(1_614_265_330));
}

#[test]
fn github_public_vector() {
    let request = signed(&github(), "Hello, World!", "It's a Secret to Everybody", 0, "");
    assert_eq!(
        request.headers.get_str("X-Hub-Signature-256"),
        Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    );
    assert_eq!(verify(&request, &github(), &keys("It's a Secret to Everybody"), 0).outcome, Outcome::Valid);
}

#[test]
fn any_one_of_several_signatures_may_match() {
    let scheme = standard_webhooks();
    let mut request = Request::post("/", SW_BODY);
    request.headers.push("svix-id", SW_ID);
    request.headers.push("svix-timestamp", "1614265330");
    request.headers.push("svix-signature", "v1,Zm9vYmFy v2,abc v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assert_eq!(verify(&request, &scheme, &keys(SW_SECRET), 1_614_265_330).outcome, Outcome::Valid);

    let mut wrong = request.clone();
    let (zeros, ones) = ("A".repeat(43) + "=", "/".repeat(42) + "8=");
    wrong.headers.set("svix-signature", format!("v1,{zeros} v1,{ones}"));
    let verdict = verify(&wrong, &scheme, &keys(SW_SECRET), 1_614_265_330);
    assert_eq!(verdict.outcome, Outcome::Mismatch);
    assert!(verdict.checks[0].detail.contains("none of the 2 signatures"), "{:?}", verdict.checks);

    // Signatures too short to be HMAC-SHA256 are not a mismatch to blame on the secret.
    wrong.headers.set("svix-signature", "v1,Zm9vYmFy v1,YmF6");
    let verdict = verify(&wrong, &scheme, &keys(SW_SECRET), 1_614_265_330);
    let Outcome::Malformed { reason, .. } = &verdict.outcome else { panic!("{verdict:?}") };
    assert_eq!(reason, "expected 44 base64 characters (HMAC-SHA256), found 8 base64 characters (`Zm9vYmFy`)");
}

#[test]
fn stripe_signs_timestamp_and_body_and_judges_age() {
    let scheme = stripe();
    let request = signed(&scheme, "{\"id\":\"evt_1\"}", "whsec_test", 1_700_000_000, "");
    let header = request.headers.get_str("Stripe-Signature").expect("signed");
    assert!(header.starts_with("t=1700000000,v1="), "{header}");
    assert_eq!(header.len(), "t=1700000000,v1=".len() + 64);

    assert_eq!(verify(&request, &scheme, &keys("whsec_test"), 1_700_000_299).outcome, Outcome::Valid);
    let stale = verify(&request, &scheme, &keys("whsec_test"), 1_700_000_301).outcome;
    assert_eq!(stale, Outcome::TimestampOutside { age: 301, tolerance: Duration::from_secs(300) });
    let future = verify(&request, &scheme, &keys("whsec_test"), 1_699_999_000).outcome;
    assert!(matches!(future, Outcome::TimestampOutside { age: -1000, .. }), "{future:?}");
    assert_eq!(verify(&request, &scheme, &keys("whsec_other"), 1_700_000_000).outcome, Outcome::Mismatch);
}

#[test]
fn a_changed_byte_or_header_fails() {
    let scheme = github();
    let mut request = signed(&scheme, "Hello, World!", "s", 0, "");
    request.body = [&request.body[..], b"\n"].concat().into();
    assert_eq!(verify(&request, &scheme, &keys("s"), 0).outcome, Outcome::Mismatch);

    let mut missing = Request::post("/", "x");
    assert!(matches!(verify(&missing, &scheme, &keys("s"), 0).outcome, Outcome::MissingSignature { .. }));
    missing.headers.push("X-Hub-Signature-256", "sha1=abcd");
    assert!(matches!(verify(&missing, &scheme, &keys("s"), 0).outcome, Outcome::Malformed { .. }));
    missing.headers.set("X-Hub-Signature-256", "sha256=not-hex");
    assert!(matches!(verify(&missing, &scheme, &keys("s"), 0).outcome, Outcome::Malformed { .. }));
}

#[test]
fn algorithms_and_encodings_have_their_lengths() {
    for (algorithm, len) in [(Algorithm::HmacSha1, 20), (Algorithm::HmacSha256, 32), (Algorithm::HmacSha512, 64)] {
        let mac = algorithm.mac(b"k", [&b"a"[..], b"b"]);
        assert_eq!(mac.len(), len);
        assert_eq!(mac, algorithm.mac(b"k", [&b"ab"[..]]), "parts are concatenated");
        assert_eq!(algorithm.output_len(), len);
    }
    // RFC 4231 test case 2.
    assert_eq!(
        hex::encode(Algorithm::HmacSha256.mac(b"Jefe", [&b"what do ya want for nothing?"[..]])),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        Encoding::Base64.decode("g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE"),
        Encoding::Base64.decode("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    );
}

#[test]
fn credentials_are_sent_and_checked() {
    let scheme = Scheme {
        credentials: vec![CredentialSpec {
            name: "api-key".into(),
            header: "Authorization".into(),
            value: "api-key {credential}".into(),
            env: Vec::new(),
        }],
        ..scheme(Algorithm::HmacSha256, "X-Webhook-Signature", "{body}", Encoding::Hex, Layout::Bare)
    };
    let mut keys = keys("s");
    assert_eq!(
        scheme.sign(&Request::post("/", "{}"), &keys, 0, ""),
        Err(SchemeError::MissingCredential("api-key".into()))
    );
    keys.credentials.push(("api-key".into(), Secret::new("k1")));
    let mut request = Request::post("/", "{}");
    for (name, value) in scheme.sign(&request, &keys, 0, "").expect("signs").iter() {
        request.headers.push(name, value);
    }
    assert_eq!(request.headers.get_str("Authorization"), Some("api-key k1"));
    assert_eq!(verify(&request, &scheme, &keys, 0).outcome, Outcome::Valid);

    keys.credentials[0].1 = Secret::new("k2");
    assert!(matches!(verify(&request, &scheme, &keys, 0).outcome, Outcome::CredentialMismatch { .. }));
    request.headers = request
        .headers
        .iter()
        .filter(|(n, _)| *n != "Authorization")
        .map(|(n, v)| (n.to_owned(), v.to_vec()))
        .collect();
    assert!(matches!(verify(&request, &scheme, &keys, 0).outcome, Outcome::CredentialMissing { .. }));
}

#[test]
fn unsigned_providers_say_so() {
    let scheme = scheme(Algorithm::None, "", "{body}", Encoding::Hex, Layout::Bare);
    assert!(scheme.sign(&Request::post("/", "{}"), &Keys::default(), 0, "").expect("signs").is_empty());
    let verdict = verify(&Request::post("/", "{}"), &scheme, &Keys::default(), 0);
    assert_eq!(verdict.outcome, Outcome::Unsigned);
    assert!(verdict.outcome.is_valid());
}

#[test]
fn templates_parse_and_print() {
    let template = Template::parse("v0:{timestamp}:{body}").expect("valid");
    assert_eq!(template.0, vec![Part::Literal("v0:".into()), Part::Timestamp, Part::Literal(":".into()), Part::Body]);
    assert_eq!(template.to_string(), "v0:{timestamp}:{body}");
    assert!(Template::parse("{timestamp}").is_err(), "the body must be signed");
    assert!(Template::parse("{body}{nope}").is_err());
    assert!(Template::parse("{body").is_err());
}

#[test]
fn a_secret_that_is_not_base64_is_an_error_not_a_panic() {
    let scheme = standard_webhooks();
    assert!(matches!(scheme.key_bytes(&Secret::new("whsec_not base64!")), Err(SchemeError::SecretNotBase64 { .. })));
}

fn diagnosis_codes(request: &Request, scheme: &Scheme, secret: &str) -> Vec<&'static str> {
    diagnose(request, "test", scheme, &keys(secret), 0, &[]).findings.iter().map(|f| f.code).collect()
}

#[test]
fn diagnoses_charset_bom_and_python_spacing() {
    let scheme = github();
    // Signed as Latin-1 bytes, arrived as UTF-8.
    let mut request = signed(&github(), "", "s", 0, "");
    let latin1 = b"{\"name\":\"Jos\xe9\"}".to_vec();
    let signature = Encoding::Hex.encode(&Algorithm::HmacSha256.mac(b"s", [&latin1[..]]));
    request.headers.set("X-Hub-Signature-256", format!("sha256={signature}"));
    request.body = "{\"name\":\"José\"}".into();
    assert_eq!(diagnosis_codes(&request, &scheme, "s"), ["charset"]);

    let mut bom = signed(&scheme, "{\"a\":1}", "s", 0, "");
    bom.body = [&b"\xEF\xBB\xBF"[..], &bom.body].concat().into();
    assert_eq!(diagnosis_codes(&bom, &scheme, "s"), ["byte-order-mark"]);

    let mut python = signed(&scheme, "{\"a\":1,\"b\":[1,2]}", "s", 0, "");
    python.body = b"{\"a\": 1, \"b\": [1, 2]}"[..].into();
    assert_eq!(diagnosis_codes(&python, &scheme, "s"), ["json-reserialised"]);

    let mut removed = signed(&scheme, "{}\n", "s", 0, "");
    removed.body = b"{}"[..].into();
    assert_eq!(diagnosis_codes(&removed, &scheme, "s"), ["trailing-newline-removed"]);

    let untouched = signed(&scheme, "{}", "s", 0, "");
    let diagnosis = diagnose(&untouched, "test", &scheme, &keys("other"), 0, &[]);
    assert!(diagnosis.findings.is_empty() && !diagnosis.ruled_out.is_empty(), "{diagnosis:?}");
}

#[test]
fn a_scheme_that_signs_alike_under_another_header_is_not_named_as_the_signer() {
    // PayQI's and ComplyCube's signatures are one hex HMAC of the body; only the header names differ. A PayQI
    // delivery missing its timestamp header must not be put down to ComplyCube.
    let bare = Scheme { layout: Layout::Bare, ..github() };
    let payqi = Scheme {
        header: "X-PayQI-Signature".into(),
        timestamp: Some(TimestampSpec {
            header: Some("X-PayQI-Timestamp".into()),
            aliases: Vec::new(),
            field: None,
            millis: false,
            tolerance: Duration::from_secs(300),
        }),
        ..bare.clone()
    };
    let complycube = Scheme { header: "X-CC-Webhook-Signature".into(), ..bare.clone() };
    let body = "{\"a\":1}";
    let mut request = Request::post("/", body);
    request
        .headers
        .push("X-PayQI-Signature", Encoding::Hex.encode(&Algorithm::HmacSha256.mac(b"s", [body.as_bytes()])));
    assert!(matches!(verify(&request, &payqi, &keys("s"), 0).outcome, Outcome::Malformed { .. }));
    let others = [Candidate { name: "complycube", scheme: &complycube }];
    let diagnosis = diagnose(&request, "payqi", &payqi, &keys("s"), 0, &others);
    assert!(diagnosis.findings.iter().all(|f| f.code != "wrong-provider"), "{diagnosis:?}");

    // GitHub's form of the same HMAC in PayQI's header: PayQI's signature in another layout, said as such rather
    // than put down to GitHub.
    let prefixed = [Candidate { name: "github", scheme: &github() }];
    request.headers.set(
        "X-PayQI-Signature",
        format!("sha256={}", Encoding::Hex.encode(&Algorithm::HmacSha256.mac(b"s", [body.as_bytes()]))),
    );
    request.headers.push("X-PayQI-Timestamp", "0");
    let diagnosis = diagnose(&request, "payqi", &payqi, &keys("s"), 0, &prefixed);
    let codes: Vec<&str> = diagnosis.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["signature-layout"], "{diagnosis:?}");
}

fn square() -> Scheme {
    scheme(Algorithm::HmacSha256, "x-square-hmacsha256-signature", "{url}{body}", Encoding::Base64, Layout::Bare)
}

fn twilio() -> Scheme {
    scheme(Algorithm::HmacSha1, "X-Twilio-Signature", "{url}{form}", Encoding::Base64, Layout::Bare)
}

fn with_url(secret: &str, url: &str) -> Keys {
    Keys { url: Some(url.into()), ..keys(secret) }
}

/// square/square-nodejs-sdk tests/integration/webhooks.test.ts: the notification URL then the body.
#[test]
fn square_public_vectors_sign_the_url() {
    let body = r#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    let cases = [
        (
            "Ibxx_5AKakO-3qeNVR61Dw",
            "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
            body,
            "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=",
        ),
        (
            "signature-key",
            "https://webhook.site/webhooks",
            r#"{"data":{"type":"webhooks","id":"fake_id"}}"#,
            "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=",
        ),
        (
            "signature-key",
            "https://webhook.site/webhooks",
            r#"{"data":{"type":"webhooks","id":">id<"}}"#,
            "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=",
        ),
    ];
    for (key, url, body, expected) in cases {
        let request = Request::post("/webhooks", body.to_owned());
        let headers = square().sign(&request, &with_url(key, url), 0, "").expect("signs");
        assert_eq!(headers.get_str("x-square-hmacsha256-signature"), Some(expected), "{url}");
    }
    // Without a URL there is nothing to sign.
    let request = Request::post("/webhooks", body.to_owned());
    assert_eq!(square().sign(&request, &keys("k"), 0, ""), Err(SchemeError::NeedsUrl));
}

#[test]
fn the_url_comes_from_the_flag_the_request_line_or_the_host_header() {
    let body = r#"{"data":{"type":"webhooks","id":"fake_id"}}"#;
    let mut request = Request::post("/webhooks", body.to_owned());
    request.headers.push("x-square-hmacsha256-signature", "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=");
    // Neither a Host header nor an absolute target: the verdict says the URL is unknown, not a mismatch.
    let verdict = verify(&request, &square(), &keys("signature-key"), 0);
    assert_eq!(verdict.outcome, Outcome::UrlUnknown);
    assert!(verdict.checks[0].detail.contains("--url"), "{:?}", verdict.checks);

    let given = verify(&request, &square(), &with_url("signature-key", "https://webhook.site/webhooks"), 0);
    assert_eq!(given.outcome, Outcome::Valid);
    assert!(given.checks[0].detail.ends_with("over https://webhook.site/webhooks (--url)"), "{:?}", given.checks);

    let mut hosted = request.clone();
    hosted.headers.push("Host", "webhook.site");
    let verdict = verify(&hosted, &square(), &keys("signature-key"), 0);
    assert_eq!(verdict.outcome, Outcome::Valid);
    assert!(verdict.checks[0].detail.contains("(the Host header)"), "{:?}", verdict.checks);

    let mut absolute = request.clone();
    absolute.target = "https://webhook.site/webhooks".into();
    assert_eq!(verify(&absolute, &square(), &keys("signature-key"), 0).outcome, Outcome::Valid);

    // Another URL is a mismatch that names the URL it was checked over.
    let verdict = verify(&request, &square(), &with_url("signature-key", "https://webhook.site/other"), 0);
    assert_eq!(verdict.outcome, Outcome::Mismatch);
    assert!(verdict.checks[0].detail.contains("over https://webhook.site/other (--url)"), "{:?}", verdict.checks);
}

/// twilio/twilio-python tests/unit/test_request_validator.py: the URL, then each form field sorted by name,
/// name then value.
#[test]
fn twilio_public_vectors_sign_url_and_sorted_form_fields() {
    let params = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
    let uri = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let cases = [
        (uri.to_owned(), params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2".to_owned(), params, "kvajT1Ptam85bY51eRf/AJRuM3w="),
        ("http://mycompany.com:80/myapp.php?foo=1&bar=2".to_owned(), params, "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2".to_owned(), params, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
        (uri.to_owned(), "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234", "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
    ];
    for (url, form, expected) in cases {
        let mut request = Request::post("/myapp.php?foo=1&bar=2", form.to_owned());
        request.headers.push("Content-Type", "application/x-www-form-urlencoded");
        let headers = twilio().sign(&request, &with_url("12345", &url), 0, "").expect("signs");
        assert_eq!(headers.get_str("X-Twilio-Signature"), Some(expected), "{url} {form}");
        request.headers.push("X-Twilio-Signature", expected);
        assert_eq!(verify(&request, &twilio(), &with_url("12345", &url), 0).outcome, Outcome::Valid);
        request.body = format!("{form}&Extra=1").into();
        assert_eq!(verify(&request, &twilio(), &with_url("12345", &url), 0).outcome, Outcome::Mismatch);
    }
}

#[test]
fn method_and_path_are_signed_as_the_request_has_them() {
    let scheme = scheme(Algorithm::HmacSha256, "X-Sig", "{method}{path}{body}", Encoding::Hex, Layout::Bare);
    let request = Request::post("/hook?a=1", "{}");
    let headers = scheme.sign(&request, &keys("k"), 0, "").expect("signs");
    let expected = hex::encode(Algorithm::HmacSha256.mac(b"k", [&b"POST/hook?a=1{}"[..]]));
    assert_eq!(headers.get_str("X-Sig"), Some(expected.as_str()));
    assert_eq!(Template::parse("{method}{url}{form}").expect("parses").to_string(), "{method}{url}{form}");
    assert!(Template::parse("{url}").is_err(), "a template signs the body or the form");
}

fn paddle() -> Scheme {
    Scheme {
        timestamp: Some(TimestampSpec {
            header: None,
            aliases: Vec::new(),
            field: None,
            millis: false,
            tolerance: Duration::from_secs(5),
        }),
        ..scheme(
            Algorithm::HmacSha256,
            "Paddle-Signature",
            "{timestamp}:{body}",
            Encoding::Hex,
            Layout::KeyValue {
                timestamp_key: "ts".into(),
                signature_key: "h1".into(),
                separator: ";".into(),
                group_separator: None,
            },
        )
    }
}

/// PaddleHQ/paddle-node-sdk src/__tests__/notifications/webhooks-validator.node.test.ts: `ts=…;h1=…` over
/// `{ts}:{body}`, valid for 5 seconds; an unknown `h2` is ignored; upper-case hex is the same signature.
#[test]
fn paddle_public_vectors_in_a_semicolon_separated_header() {
    let at = 1_698_796_800;
    let cases = [
        (
            r#"{"data": ["1", "2"]}"#,
            "ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9",
        ),
        (
            r#"{"data": "value"}"#,
            "ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h2=RANDOM_HASH",
        ),
    ];
    for (body, header) in cases {
        let mut request = Request::post("/", body.to_owned());
        request.headers.push("Paddle-Signature", header);
        assert_eq!(verify(&request, &paddle(), &keys("VALID_SECRET"), at + 5).outcome, Outcome::Valid, "{header}");
        let late = verify(&request, &paddle(), &keys("VALID_SECRET"), at + 6).outcome;
        assert!(matches!(late, Outcome::TimestampOutside { age: 6, .. }), "{late:?}");
        request.headers.set("Paddle-Signature", header.to_uppercase().replace("TS=", "ts=").replace("H1=", "h1="));
        assert_eq!(verify(&request, &paddle(), &keys("VALID_SECRET"), at).outcome, Outcome::Valid, "upper-case hex");
    }
    let signed = signed(&paddle(), cases[0].0, "VALID_SECRET", at, "");
    assert_eq!(signed.headers.get_str("Paddle-Signature"), Some(cases[0].1));
}

/// GitLab's X-Gitlab-Token: the secret itself, compared for equality, reported as the weak scheme it is.
#[test]
fn a_shared_token_is_compared_and_called_weak() {
    let gitlab = scheme(Algorithm::Token, "X-Gitlab-Token", "{body}", Encoding::Hex, Layout::Bare);
    let request = signed(&gitlab, "{}", "tok-1", 0, "");
    assert_eq!(request.headers.get_str("X-Gitlab-Token"), Some("tok-1"));
    let verdict = verify(&request, &gitlab, &keys("tok-1"), 0);
    assert_eq!(verdict.outcome, Outcome::Valid);
    let weak = verdict.checks.iter().find(|c| c.name == "scheme").expect("a scheme check");
    assert_eq!(weak.status, CheckStatus::Warn);
    assert!(weak.detail.contains("not a signature"), "{weak:?}");

    let wrong = verify(&request, &gitlab, &keys("tok-2"), 0);
    assert_eq!(wrong.outcome, Outcome::Mismatch);
    assert!(wrong.checks[0].detail.contains("does not equal the secret"), "{:?}", wrong.checks);
    let rotation = Keys { rotation: vec![Secret::new("tok-1")], ..keys("tok-2") };
    let verdict = verify(&request, &gitlab, &rotation, 0);
    assert_eq!((verdict.outcome, verdict.secret_matched), (Outcome::Valid, Some((2, 2))));
    // Nothing to diagnose: no alteration of the request makes a wrong token right.
    assert!(diagnose(&request, "gitlab", &gitlab, &keys("tok-2"), 0, &[]).findings.is_empty());

    let mut stored = request.clone();
    stored.headers.set("X-Gitlab-Token", crate::request::REDACTED);
    let verdict = verify(&stored, &gitlab, &keys("tok-1"), 0);
    assert_eq!(verdict.outcome, Outcome::NoSecret);
    assert!(verdict.checks[0].detail.contains("redacted when stored"), "{:?}", verdict.checks);
}

fn sumsub() -> Scheme {
    Scheme {
        algorithm_header: Some(AlgorithmHeader {
            header: "X-Payload-Digest-Alg".into(),
            values: vec![
                ("HMAC_SHA1_HEX".into(), Algorithm::HmacSha1),
                ("HMAC_SHA256_HEX".into(), Algorithm::HmacSha256),
                ("HMAC_SHA512_HEX".into(), Algorithm::HmacSha512),
            ],
        }),
        ..scheme(Algorithm::HmacSha256, "X-Payload-Digest", "{body}", Encoding::Hex, Layout::Bare)
    }
}

/// Sumsub names each request's algorithm in X-Payload-Digest-Alg (sumsub/app-tokens-usage-examples). The
/// expected digests were computed with Python's hmac module.
#[test]
fn the_algorithm_a_request_names_is_the_one_checked() {
    let body = r#"{"applicantId":"5cb56e8e0a975a35f333cb83","type":"applicantReviewed"}"#;
    let cases = [
        ("HMAC_SHA1_HEX", "8d27808a66f1f0891908ee2a801ae7377fec62aa"),
        ("HMAC_SHA256_HEX", "a57a5eaa2188c5fbcd0828f4a4907729c85fffd15eff323214c16e4fe9a451ab"),
        (
            "HMAC_SHA512_HEX",
            "03bf7100fed283c836f569546f1f81a91698d9a61bfc3c4cc575ce939c462f4bad5fa6ffb50a72a49270ca55c6f65c98c6ab064f072eda13e8720abbc44c55d8",
        ),
    ];
    for (name, digest) in cases {
        let mut request = Request::post("/", body);
        request.headers.push("X-Payload-Digest", digest);
        request.headers.push("X-Payload-Digest-Alg", name);
        let verdict = verify(&request, &sumsub(), &keys("SoMe_SeCrEt_KeY"), 0);
        assert_eq!(verdict.outcome, Outcome::Valid, "{name}: {:?}", verdict.checks);
        // The same digest under another algorithm's name is not this one's.
        let other = if name == "HMAC_SHA1_HEX" { "HMAC_SHA512_HEX" } else { "HMAC_SHA1_HEX" };
        request.headers.set("X-Payload-Digest-Alg", other);
        assert!(matches!(verify(&request, &sumsub(), &keys("SoMe_SeCrEt_KeY"), 0).outcome, Outcome::Malformed { .. }));
    }
    let signed = signed(&sumsub(), body, "SoMe_SeCrEt_KeY", 0, "");
    assert_eq!(signed.headers.get_str("X-Payload-Digest-Alg"), Some("HMAC_SHA256_HEX"));
    assert_eq!(signed.headers.get_str("X-Payload-Digest"), Some(cases[1].1));

    let mut unnamed = signed.clone();
    unnamed.headers.set("X-Payload-Digest-Alg", "MD5");
    let Outcome::Malformed { header, reason } = verify(&unnamed, &sumsub(), &keys("SoMe_SeCrEt_KeY"), 0).outcome else {
        panic!("malformed")
    };
    assert_eq!(header, "X-Payload-Digest-Alg");
    assert!(reason.contains("names `MD5`, not one of HMAC_SHA1_HEX"), "{reason}");
}

fn mailgun() -> Scheme {
    Scheme {
        signature_field: Some("/signature/signature".into()),
        timestamp: Some(TimestampSpec {
            header: None,
            aliases: Vec::new(),
            field: Some("/signature/timestamp".into()),
            millis: false,
            tolerance: Duration::from_secs(300),
        }),
        ..scheme(
            Algorithm::HmacSha256,
            "",
            "{field:/signature/timestamp}{field:/signature/token}",
            Encoding::Hex,
            Layout::Bare,
        )
    }
}

/// Mailgun: no header; the body's signature object holds timestamp, token and the hex HMAC-SHA256 of the two
/// (mailgun-python SecurityGuard.verify_webhook). The expected digest was computed with Python's hmac module.
#[test]
fn a_signature_in_a_body_field_covers_the_fields_it_names() {
    let body = r#"{"signature":{"token":"abc","timestamp":"","signature":""},"event-data":{"event":"delivered"}}"#;
    let request = Request::post("/", body);
    let signed = mailgun().sign_body(&request, &keys("key-1"), 1_529_006_854).expect("signs").expect("a body");
    let json: serde_json::Value = serde_json::from_slice(&signed).expect("JSON");
    assert_eq!(json["signature"]["timestamp"], "1529006854");
    assert_eq!(json["signature"]["signature"], "add84a0953e3485506fd996ceb7baeaac159b180f58f255c5c602ed844278b81");
    let mut request = Request::post("/", signed.clone());
    let verdict = verify(&request, &mailgun(), &keys("key-1"), 1_529_006_854);
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.checks);
    assert!(verdict.checks.iter().any(|c| c.name == "coverage" && c.status == CheckStatus::Warn));
    assert_eq!(verdict.timestamp, Some(1_529_006_854));
    // event-data is not covered; the token is.
    let text = String::from_utf8(signed).expect("text");
    request.body = text.replace("delivered", "failed").into();
    assert_eq!(verify(&request, &mailgun(), &keys("key-1"), 1_529_006_854).outcome, Outcome::Valid);
    request.body = text.replace("\"abc\"", "\"abd\"").into();
    assert_eq!(verify(&request, &mailgun(), &keys("key-1"), 1_529_006_854).outcome, Outcome::Mismatch);
    let missing = verify(&Request::post("/", "{}"), &mailgun(), &keys("key-1"), 0);
    assert_eq!(missing.outcome, Outcome::MissingSignature { header: "body field /signature/signature".into() });
    assert!(mailgun().sign_body(&Request::post("/", "[]"), &keys("key-1"), 0).is_err(), "no place for it");
}

/// twilio-python's JSON case: the URL carries bodySHA256 (hex SHA-256 of the body), the form part is empty, and
/// the body is checked against the digest.
#[test]
fn twilio_json_bodies_are_covered_by_the_digest_in_the_signed_url() {
    let twilio = Scheme { body_digest: Some("bodySHA256".into()), ..twilio() };
    let body = r#"{"property": "value", "boolean": true}"#;
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let mut request = Request::post("/myapp.php", body);
    request.headers.push("Content-Type", "application/json");
    request.headers.push("X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4=");
    let verdict = verify(&request, &twilio, &with_url("12345", url), 0);
    assert_eq!(verdict.outcome, Outcome::Valid, "{:?}", verdict.checks);
    assert!(verdict.checks.iter().any(|c| c.name == "body digest" && c.status == CheckStatus::Pass));

    request.body = r#"{"property": "other", "boolean": true}"#.into();
    let verdict = verify(&request, &twilio, &with_url("12345", url), 0);
    assert_eq!(verdict.outcome, Outcome::Mismatch);
    let failed = verdict.checks.iter().find(|c| c.status == CheckStatus::Fail).expect("a failed check");
    assert!(failed.detail.contains("the body changed after signing"), "{failed:?}");
}
