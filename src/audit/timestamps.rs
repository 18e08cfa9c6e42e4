//! Timestamps (6): a stale and a future timestamp, correctly signed, must be rejected.

use chrono::TimeDelta;

use super::{Builder, Expect, Probe};
use crate::error::Error;

pub fn probe(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        6,
        "timestamps",
        "a stale and a future timestamp, correctly signed",
        "a captured delivery can be replayed later: the endpoint does not enforce the provider's timestamp window",
        "reject a request whose timestamp is further from now than the tolerance (compare before processing)",
    );
    let provider = builder.provider();
    let Some(spec) = &provider.scheme.timestamp else {
        return Ok(probe.skip(format!(
            "{} sends no timestamp: a captured delivery can be replayed any time; only deduplication by event \
             id defends against it",
            provider.name
        )));
    };
    if !provider.scheme.timestamp_signed() {
        probe.caveat = Some(format!(
            "{} does not sign its timestamp: whoever captured a delivery can resend it with a fresh timestamp, so \
             the window only stops naive replays; deduplicate by event id as well",
            provider.name
        ));
    }
    let beyond = TimeDelta::from_std(spec.tolerance).unwrap_or(TimeDelta::MAX) + TimeDelta::minutes(5);
    let minutes = beyond.num_minutes();
    // A stale timestamp is what a replayed capture carries: accepting it fails. Stripe's own libraries accept
    // a future one, which no capture can carry: that warns.
    for (label, at, expect) in [
        (format!("signed {minutes} minutes ago"), builder.now - beyond, Expect::Reject),
        (format!("signed {minutes} minutes in the future"), builder.now + beyond, Expect::RejectPreferably),
    ] {
        let mut delivery = builder.render()?;
        delivery.at = at;
        let request = builder.valid(&delivery)?;
        probe.steps.push(builder.step(label, &delivery, request, expect));
    }
    Ok(probe)
}
