//! Resilience: an unknown event type (8), hostile bodies (11) and other methods (12).

use serde_json::Value;

use super::{Builder, Expect, Probe};
use crate::error::Error;

const UNKNOWN: &str = "hookctl.audit_unknown_event";

pub fn unknown_event(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        8,
        "unknown-event",
        "an unknown but validly signed event type",
        "an event type the code does not handle crashes it: the provider retries for days and may disable the \
         endpoint; providers add event types without notice",
        "answer 2xx to event types you do not handle (log and ignore them); never let a missing handler raise",
    );
    let provider = builder.provider();
    let mut delivery = builder.render()?;
    let in_payload = provider.envelope.type_pointers.iter().find_map(|pointer| {
        let slot = delivery.payload.pointer_mut(pointer)?;
        *slot = Value::from(UNKNOWN);
        Some(())
    });
    let mut request = builder.valid(&delivery)?;
    match (in_payload, provider.envelope.type_headers.last()) {
        (Some(()), _) => {}
        (None, Some(header)) => request.headers.set(header, UNKNOWN),
        (None, None) => {
            return Ok(probe.skip(format!("{}'s event type is in neither payload nor header", provider.name)));
        }
    }
    probe.steps.push(builder.step(format!("event type `{UNKNOWN}`"), &delivery, request, Expect::Accept));
    Ok(probe)
}

/// Where the object an event is about keeps its id (Stripe's `data.object`, a flat `data`).
const OBJECT_IDS: [&str; 2] = ["/data/object/id", "/data/id"];

pub fn out_of_order(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let probe = Probe::new(
        9,
        "out-of-order",
        "a later event of an object before its `created`",
        "deliveries arrive out of order (retries, concurrency): the handler crashes on an object it has not seen",
        "handle a missing object without raising (fetch it, create it, or answer 2xx and reconcile later)",
    );
    let provider = builder.provider();
    let pair = provider.events.iter().filter(|e| e.name.ends_with(".created")).find_map(|created| {
        let stem = created.name.strip_suffix("created")?;
        let later = provider.events.iter().find(|e| e.name.starts_with(stem) && e.name != created.name)?;
        Some((created.name.clone(), later.name.clone()))
    });
    let Some((created, later)) = pair else {
        return Ok(
            probe.skip(format!("{} has no `….created` event with a later event of the same object", provider.name))
        );
    };
    let first = builder.render_spec(&created)?;
    let mut second = builder.render_spec(&later)?;
    let shared = OBJECT_IDS.iter().find_map(|pointer| {
        let id = first.payload.pointer(pointer)?.clone();
        *second.payload.pointer_mut(pointer)? = id;
        Some(())
    });
    if shared.is_none() {
        return Ok(probe.skip(format!("{created} and {later} name their object in no field hookctl knows")));
    }
    let mut probe = probe;
    let request = builder.valid(&second)?;
    probe.steps.push(builder.step(format!("{later} first"), &second, request, Expect::NoServerError));
    let request = builder.valid(&first)?;
    probe.steps.push(builder.step(
        format!("then {created} of the same object"),
        &first,
        request,
        Expect::NoServerError,
    ));
    Ok(probe)
}

pub fn hostile_bodies(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        11,
        "hostile-bodies",
        "a body over 1 MiB, malformed JSON validly signed, a wrong Content-Type",
        "an unexpected body crashes or hangs the endpoint",
        "limit the body size, answer 400 to a body that does not parse and 413 to one too large; never let a parse \
         error escape as a 500",
    );
    let keys = builder.setup.keys.clone();
    let mut delivery = builder.render()?;
    if let Value::Object(map) = &mut delivery.payload {
        map.insert("hookctl_audit_padding".into(), Value::from("x".repeat(1_100_000)));
    }
    let request = builder.valid(&delivery)?;
    probe.steps.push(builder.step("a 1.1 MiB body, signed", &delivery, request, Expect::NoServerError));

    let delivery = builder.render()?;
    let body = builder.body(&delivery);
    let broken = body.slice(..body.len() / 2);
    let request = builder.sign(&delivery, broken, &keys)?;
    probe.steps.push(builder.step("malformed JSON (cut in half), signed", &delivery, request, Expect::NoServerError));

    let delivery = builder.render()?;
    let mut request = builder.valid(&delivery)?;
    request.headers.set("Content-Type", "text/plain");
    probe.steps.push(builder.step("Content-Type: text/plain", &delivery, request, Expect::NoServerError));
    Ok(probe)
}

pub fn methods(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        12,
        "methods",
        "other methods (GET, PUT)",
        "the webhook route answers 2xx to methods the provider never uses",
        "route only POST to the webhook handler (405 for the rest)",
    );
    let delivery = builder.render()?;
    let mut get = builder.valid(&delivery)?;
    get.method = "GET".into();
    get.body = bytes::Bytes::new();
    get.headers.set("Content-Length", "0");
    probe.steps.push(builder.step("without a body", &delivery, get, Expect::NotAccepted));
    let delivery = builder.render()?;
    let mut put = builder.valid(&delivery)?;
    put.method = "PUT".into();
    probe.steps.push(builder.step("with a signed delivery", &delivery, put, Expect::NotAccepted));
    Ok(probe)
}
