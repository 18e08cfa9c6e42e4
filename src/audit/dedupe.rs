//! Replays and redeliveries (7): the identical request twice, then the same event redelivered (same dedupe key,
//! fresh attempt) — all answered 2xx; with `--side-effect-url`, processed once.

use std::time::Duration;

use serde_json::Value;

use super::{Builder, Client, Expect, Kind, Probe, ProbeResult, Setup, Verdict};
use crate::error::Error;
use crate::request::Request;

pub fn probe(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        7,
        "replay",
        "the identical request twice, and a redelivery",
        "providers deliver at least once: a redelivered event is processed twice (double emails, double credits)",
        "store each processed event id (a unique key in the database) and answer 2xx without processing when it \
         is seen again",
    );
    probe.kind = Kind::Once;
    let provider = builder.provider();
    let key = provider.dedupe_key().unwrap_or_else(|| "the body".into());
    let delivery = builder.render()?;
    let first = builder.valid(&delivery)?;
    probe.steps.push(builder.step("a delivery", &delivery, first.clone(), Expect::Accept));
    probe.steps.push(builder.step("the identical request again", &delivery, first.clone(), Expect::Accept));
    // A redelivery: a later attempt, so a fresh message id and timestamp, the same event (and its id).
    let mut again = delivery;
    again.at = builder.now + chrono::TimeDelta::seconds(1);
    again.id = crate::outgoing::message_id(provider, again.at, &mut builder.rng)?;
    let mut redelivery = builder.valid(&again)?;
    if let Some((name, _)) = provider.event_id_header()
        && let Some(id) = first.headers.get(name)
    {
        redelivery.headers.set(name, id.to_vec());
    }
    let label = format!("a redelivery (same {key}, fresh attempt)");
    probe.steps.push(builder.step(label, &again, redelivery, Expect::Accept));
    Ok(probe)
}

/// What the side-effect URL reports: a count, or how many ids it lists.
pub async fn processed(setup: &Setup, client: &Client) -> Result<u64, String> {
    let Some(url) = &setup.side_effect else { return Err("no --side-effect-url".into()) };
    let mut request = Request::post(url.path(), Vec::new());
    request.method = "GET".into();
    let attempt = client.send(url, &request, setup.patience()).await;
    let answer = attempt.result.map_err(|f| format!("--side-effect-url: {}", f.describe()))?;
    if !(200..300).contains(&answer.status) {
        return Err(format!("--side-effect-url answered {}", answer.status));
    }
    let value: Value = serde_json::from_slice(&answer.body)
        .map_err(|_| "--side-effect-url did not answer a number, {\"count\": N} or a list".to_owned())?;
    count(&value).ok_or_else(|| "--side-effect-url did not answer a number, {\"count\": N} or a list".into())
}

/// The count after the deliveries, once the app had a moment to process them.
pub async fn processed_after(setup: &Setup, client: &Client) -> Result<u64, String> {
    tokio::time::sleep(Duration::from_millis(200)).await;
    processed(setup, client).await
}

fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::Array(items) => Some(items.len() as u64),
        Value::Object(map) => map.values().find_map(|v| match v {
            Value::Number(_) | Value::Array(_) => count(v),
            _ => None,
        }),
        _ => None,
    }
}

/// Three deliveries of one event must have been processed once.
pub fn judge(result: &mut ProbeResult, before: Result<u64, String>, after: Result<u64, String>, sent: usize) {
    if result.verdict == Verdict::Fail {
        return;
    }
    match (before, after) {
        (Ok(before), Ok(after)) => {
            let processed = after.saturating_sub(before);
            if processed != 1 {
                result.verdict = Verdict::Fail;
                result.detail = Some(format!(
                    "{sent} deliveries of one event were processed {processed} times (--side-effect-url)"
                ));
            }
        }
        (Err(why), _) | (_, Err(why)) => {
            result.verdict = Verdict::Warn;
            result.detail = Some(format!("processing not checked: {why}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn counts_read() {
        assert_eq!(super::count(&json!(3)), Some(3));
        assert_eq!(super::count(&json!({"count": 2})), Some(2));
        assert_eq!(super::count(&json!({"processed": ["a", "b"]})), Some(2));
        assert_eq!(super::count(&json!("x")), None);
    }
}
