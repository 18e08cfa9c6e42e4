//! `hookctl send PROVIDER handshake --to URL`: the provider's handshake (Slack's url_verification, Zoom's
//! endpoint.url_validation, Discord's PING), signed, sent once to the user's app, and its answer checked against
//! the one the provider requires before it delivers anything.

use std::time::Duration;

use serde_json::{Value, json};

use super::App;
use crate::cli::SendArgs;
use crate::deliver::{Client, Target};
use crate::error::{Error, ExitCode};
use crate::outgoing::{self, Outgoing};
use crate::output::{self, Role, sanitize};
use crate::provider::{HandshakeAnswer, Provider};
use crate::scheme::Keys;

/// Whether the answer is the one the provider requires; the reason when it is not.
fn judge(provider: &Provider, expected: &[u8], status: u16, body: &[u8]) -> Result<(), String> {
    let handshake = provider.handshake.as_ref().expect("checked by the caller");
    if !(200..300).contains(&status) {
        return Err(format!("the app answered {status}; {} needs a 2xx", provider.title));
    }
    let text = String::from_utf8_lossy(body);
    let expected_text = String::from_utf8_lossy(expected);
    let same = match &handshake.answer {
        HandshakeAnswer::Echo => text.trim() == expected_text,
        HandshakeAnswer::Json(_) | HandshakeAnswer::HmacSha256Hex { .. } => {
            let answered: Option<Value> = serde_json::from_slice(body).ok();
            let wanted: Option<Value> = serde_json::from_slice(expected).ok();
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
    let rendered = outgoing::render(provider, &handshake.event, &args.render.set, now, &mut rng)?;
    let body = provider.serialize_body(rendered.event, &rendered.payload);
    let url = target.url(provider.route_for(Some(rendered.event)));
    let keys =
        if provider.scheme.needs_url() { Keys { url: Some(url.to_string()), ..keys.clone() } } else { keys.clone() };
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
    let Some((_, expected)) = handshake.answer(&request.body, keys.secret.as_ref()) else {
        return Err(Error::usage(
            format!("the {} fixture has no challenge at {}", handshake.event, handshake.challenge),
            Some("a --set that removed it? `hookctl fixtures` shows the fixture".into()),
        ));
    };
    let client = Client::new(target, 1)?;
    let timeout = args.timeout.map(Into::into).or(provider.delivery.timeout).unwrap_or(Duration::from_secs(30));
    let attempt = super::runtime()?.block_on(client.send(&url, &request, timeout));
    let (verdict, status) = match &attempt.result {
        Ok(answer) => (judge(provider, &expected, answer.status, &answer.body), Some(answer.status)),
        Err(failure) => (Err(failure.describe()), None),
    };
    if app.json {
        let answered = attempt.result.as_ref().ok().map(|a| String::from_utf8_lossy(&a.body).into_owned());
        output::print_json(&json!({
            "provider": provider.name,
            "event": handshake.event,
            "url": url.to_string(),
            "status": status,
            "expected": String::from_utf8_lossy(&expected),
            "answer": answered,
            "ok": verdict.is_ok(),
            "reason": verdict.as_ref().err(),
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
    }
    Ok(if verdict.is_ok() { ExitCode::Success } else { ExitCode::DeliveryFailed })
}
