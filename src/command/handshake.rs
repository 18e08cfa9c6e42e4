//! `hookctl send PROVIDER handshake --to URL`: the provider's handshake (Slack's url_verification, Zoom's
//! endpoint.url_validation, Discord's PING, Twitch's webhook_callback_verification: signed events; Dropbox's GET
//! `?challenge=`, Asana's X-Hook-Secret POST: bodiless, unsigned), sent once to the user's app, and its answer checked
//! against the one the provider requires before it delivers anything.

use std::time::Duration;

use serde_json::{Value, json};

use super::App;
use crate::cli::SendArgs;
use crate::deliver::{self, Client, Target};
use crate::error::{Error, ExitCode};
use crate::outgoing::{self, Outgoing};
use crate::output::{self, Role, sanitize};
use crate::provider::{Challenge, HandshakeAnswer, HandshakeReply, Provider};
use crate::request::{Headers, Request};
use crate::scheme::Keys;

/// Whether the answer is the one the provider requires; the reason when it is not.
fn judge(provider: &Provider, expected: &HandshakeReply, answer: &deliver::Answer) -> Result<(), String> {
    let handshake = provider.handshake.as_ref().expect("checked by the caller");
    let status = answer.status;
    if !(200..300).contains(&status) {
        return Err(format!("the app answered {status}; {} needs a 2xx", provider.title));
    }
    let text = String::from_utf8_lossy(&answer.body);
    let expected_text = String::from_utf8_lossy(&expected.body);
    let same = match &handshake.answer {
        HandshakeAnswer::Echo => text.trim() == expected_text,
        HandshakeAnswer::Header => {
            let (name, value) = expected.headers.first().expect("a header answer names its header");
            return match answer.headers.get_str(name) {
                Some(echoed) if echoed == value => Ok(()),
                // The value is the secret: never printed.
                Some(_) => {
                    Err(format!("{} expects the {name} it sent echoed, the app answered another", provider.title))
                }
                None => Err(format!("{} expects the {name} it sent echoed, the app sent no {name}", provider.title)),
            };
        }
        HandshakeAnswer::Json(_) | HandshakeAnswer::HmacSha256Hex { .. } => {
            let answered: Option<Value> = serde_json::from_slice(&answer.body).ok();
            let wanted: Option<Value> = serde_json::from_slice(&expected.body).ok();
            answered.is_some() && answered == wanted
        }
    };
    if same {
        return Ok(());
    }
    let shown: String = text.chars().take(120).collect();
    let ellipsis = if text.chars().count() > 120 { "…" } else { "" };
    Err(format!("{} expects `{expected_text}`, the app answered `{shown}{ellipsis}`", provider.title))
}

/// What the answer lacks of the headers the provider asks for (Dropbox's `X-Content-Type-Options: nosniff`): said,
/// never the verdict.
fn missing_headers(provider: &Provider, answer: &deliver::Answer) -> Vec<String> {
    let handshake = provider.handshake.as_ref().expect("checked by the caller");
    handshake
        .headers
        .iter()
        .filter(|(name, value)| answer.headers.get_str(name).is_none_or(|v| !v.eq_ignore_ascii_case(value)))
        .map(|(name, value)| format!("{} asks for `{name}: {value}` in the answer; the app's has none", provider.title))
        .collect()
}

/// A fresh challenge: 32 letters and digits, or 64 hex digits for a secret sent in a header (Asana's).
fn fresh_challenge(rng: &mut fastrand::Rng, hex: bool) -> String {
    if hex {
        (0..64).map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0')).collect()
    } else {
        (0..32).map(|_| rng.alphanumeric()).collect()
    }
}

pub fn run(app: &App, provider: &Provider, args: &SendArgs, target: &Target, keys: &Keys) -> Result<ExitCode, Error> {
    let Some(handshake) = &provider.handshake else {
        return Err(Error::usage(
            format!("{} sends no handshake before its deliveries", provider.name),
            Some(format!("`hookctl providers {}` shows its events", provider.name)),
        ));
    };
    let now = match &args.render.timestamp {
        Some(_) => super::sign::render_time(&args.render)?,
        None => crate::time::now(),
    };
    let mut rng = fastrand::Rng::new();
    let (request, url) = match &handshake.challenge {
        Challenge::Body(pointer) => {
            let rendered = outgoing::render(provider, &handshake.event, &args.render.set, now, &mut rng)?;
            let body = provider.serialize_body(rendered.event, &rendered.payload);
            let url = target.url(provider.route_for(Some(rendered.event)));
            let keys = if provider.scheme.needs_url() {
                Keys { url: Some(url.to_string()), ..keys.clone() }
            } else {
                keys.clone()
            };
            let outgoing = Outgoing {
                provider,
                event: Some(rendered.event),
                body: body.into(),
                content_type: rendered.event.body_format.content_type(),
                keys: &keys,
                at: now,
                id: None,
            };
            let (request, _) = outgoing::build(outgoing, &mut rng)?;
            if handshake.challenge_of(&request).is_none() && !matches!(handshake.answer, HandshakeAnswer::Json(_)) {
                return Err(Error::usage(
                    format!("the {} fixture has no challenge at {pointer}", handshake.event),
                    Some("a --set that removed it? `hookctl fixtures` shows the fixture".into()),
                ));
            }
            (request, url)
        }
        // Dropbox's verification: a GET of the route with a random `?challenge=`, no body, no signature.
        Challenge::Query(name) => {
            let mut url = target.url(provider.route_for(None));
            url.query_pairs_mut().append_pair(name, &fresh_challenge(&mut rng, false));
            let target = match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            };
            let request = Request { method: "GET".into(), target, headers: Headers::new(), body: Default::default() };
            (request, url)
        }
        // Asana's: a POST with the secret it will sign with in a header, and no body. The secret at hand goes
        // there, so the app keeps the key `send` signs the deliveries after it with; without one, a fresh one.
        Challenge::Header(name) => {
            let url = target.url(provider.route_for(None));
            let mut request = Request::post(provider.route_for(None), bytes::Bytes::new());
            let secret = match &keys.secret {
                Some(secret) => secret.expose().to_owned(),
                None => fresh_challenge(&mut rng, true),
            };
            request.headers.push(name.clone(), secret);
            (request, url)
        }
    };
    let Some(expected) = handshake.answer(&request, keys.secret.as_ref()) else {
        return Err(Error::usage(
            format!("{}'s {} has no right answer without the secret", provider.name, handshake.event),
            Some(format!("give it with --secret or {}", provider.secret_env_list())),
        ));
    };
    let client = Client::new(target, 1)?;
    let timeout = args.timeout.map(Into::into).or(provider.delivery.timeout).unwrap_or(Duration::from_secs(30));
    let attempt = super::runtime()?.block_on(client.send(&url, &request, timeout));
    let (verdict, status, notes) = match &attempt.result {
        Ok(answer) => (judge(provider, &expected, answer), Some(answer.status), missing_headers(provider, answer)),
        Err(failure) => (Err(failure.describe()), None, Vec::new()),
    };
    let expected_text = match (&handshake.answer, expected.headers.first()) {
        (HandshakeAnswer::Header, Some((name, _))) => format!("{name}: the value it was sent (the secret)"),
        _ => String::from_utf8_lossy(&expected.body).into_owned(),
    };
    if app.json {
        let answered = attempt.result.as_ref().ok().map(|a| String::from_utf8_lossy(&a.body).into_owned());
        output::print_json(&json!({
            "provider": provider.name,
            "event": handshake.event,
            "url": url.to_string(),
            "status": status,
            "expected": expected_text,
            "answer": answered,
            "ok": verdict.is_ok(),
            "reason": verdict.as_ref().err(),
            "notes": notes,
            "ms": u64::try_from(attempt.latency.as_millis()).unwrap_or(u64::MAX),
        }))?;
    } else {
        // The reason quotes the app's answer: escaped before it reaches the terminal, then styled.
        let (role, line) = match &verdict {
            Ok(()) => (
                Role::Ok,
                format!(
                    "✓ handshake: {}'s {} answered as {} requires ({} in {} ms)",
                    provider.name,
                    handshake.event,
                    provider.title,
                    status.unwrap_or_default(),
                    attempt.latency.as_millis()
                ),
            ),
            Err(reason) => (
                Role::Fail,
                format!("✗ handshake: {}'s {} not answered as required: {reason}", provider.name, handshake.event),
            ),
        };
        output::print(&format!("{}\n", app.style.out(role, &sanitize(&line, false))))?;
        for note in &notes {
            output::print(&format!("{}\n", app.style.out(Role::Warn, &sanitize(&format!("  ! {note}"), false))))?;
        }
    }
    Ok(if verdict.is_ok() { ExitCode::Success } else { ExitCode::DeliveryFailed })
}
