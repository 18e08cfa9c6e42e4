//! Building the request a provider would send: render a fixture, add the provider's headers, sign.
//!
//! The time and the random source come in as arguments, as everywhere in the core.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::Error;
use crate::fixture::{self, Assignment};
use crate::provider::{EventDef, Provider};
use crate::request::Request;
use crate::scheme::Keys;

/// A fixture rendered for one delivery.
pub struct Rendered<'p> {
    pub event: &'p EventDef,
    pub variant: Option<&'p str>,
    pub payload: Value,
}

/// Renders `EVENT[:VARIANT]` of `provider` at `now`, then applies `--set` overrides.
pub fn render<'p>(
    provider: &'p Provider,
    spec: &str,
    sets: &[Assignment],
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Result<Rendered<'p>, Error> {
    Template::load(provider, spec)?.render(sets, now, rng)
}

/// A fixture read and parsed once, to be rendered afresh for each delivery (`send --repeat`).
pub struct Template<'p> {
    provider: &'p Provider,
    event: &'p EventDef,
    variant: Option<&'p str>,
    fixture: Value,
}

impl<'p> Template<'p> {
    /// `EVENT[:VARIANT]` of `provider`, its fixture parsed.
    pub fn load(provider: &'p Provider, spec: &str) -> Result<Self, Error> {
        let (event, variant) = provider.event_variant(spec)?;
        let fixture = provider.fixture(event, variant)?;
        Ok(Self { provider, event, variant, fixture })
    }

    /// The fixture's placeholders filled at `now`, then `--set` overrides applied.
    pub fn render(
        &self,
        sets: &[Assignment],
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
    ) -> Result<Rendered<'p>, Error> {
        self.render_with(sets, now, rng, fixture::Refs::default())
    }

    /// `render` with named values already known (a scenario run's), for `{{ref:NAME}}`.
    pub fn render_with(
        &self,
        sets: &[Assignment],
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        refs: fixture::Refs,
    ) -> Result<Rendered<'p>, Error> {
        let Self { provider, event, variant, fixture } = self;
        let mut ctx =
            fixture::Context { now, time_format: &provider.envelope.time_format, event: &event.name, rng, refs };
        let mut payload = fixture::render(fixture, &mut ctx)
            .map_err(|e| Error::Fixture(format!("{}: {e}", provider.files.display(&event.fixture_path(*variant)))))?;
        for set in sets {
            set.apply(&mut payload).map_err(|e| Error::usage(format!("--set {e}"), None))?;
        }
        Ok(Rendered { event, variant: *variant, payload })
    }
}

/// A fresh message id in the provider's format (empty when the scheme has none).
pub fn message_id(provider: &Provider, now: DateTime<Utc>, rng: &mut fastrand::Rng) -> Result<String, Error> {
    let Some(spec) = &provider.scheme.message_id else { return Ok(String::new()) };
    let mut ctx =
        fixture::Context { now, time_format: &provider.envelope.time_format, event: "", rng, refs: Default::default() };
    fixture::render_text(&spec.format, &mut ctx).map_err(|e| Error::ProviderFile {
        path: provider.files.display("provider.toml"),
        message: format!("message_id.format: {e}"),
    })
}

/// A fresh event id for a provider whose event id is a header of its own (`Provider::event_id_header`).
pub fn header_event_id(
    provider: &Provider,
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Result<Option<String>, Error> {
    let Some((name, template)) = provider.event_id_header() else { return Ok(None) };
    let mut ctx =
        fixture::Context { now, time_format: &provider.envelope.time_format, event: "", rng, refs: Default::default() };
    let id = fixture::render_text(template, &mut ctx).map_err(|e| Error::ProviderFile {
        path: provider.files.display("provider.toml"),
        message: format!("header `{name}`: {e}"),
    })?;
    Ok(Some(id))
}

/// What to sign and how.
pub struct Outgoing<'a> {
    pub provider: &'a Provider,
    /// The event type, when known: its sent type fills `{{event}}` in header templates and picks the route.
    pub event: Option<&'a EventDef>,
    pub body: bytes::Bytes,
    /// Replaces the provider's Content-Type header: a form body's, or `--content-type`. `None`: the provider's.
    pub content_type: Option<&'a str>,
    pub keys: &'a Keys,
    pub at: DateTime<Utc>,
    /// The message id; `None` renders a fresh one in the provider's format.
    pub id: Option<String>,
}

/// The signed request: the provider's own headers, then its scheme's (message id, timestamp, signature,
/// credentials). Headers whose template needs the event type are left out when it is unknown; their names
/// are returned so the caller can say so.
pub fn build(outgoing: Outgoing<'_>, rng: &mut fastrand::Rng) -> Result<(Request, Vec<String>), Error> {
    let provider = outgoing.provider;
    let event_name = outgoing.event.map(EventDef::sent_type);
    let mut ctx = fixture::Context {
        now: outgoing.at,
        time_format: &provider.envelope.time_format,
        event: event_name.unwrap_or_default(),
        rng,
        refs: Default::default(),
    };
    let mut request = Request::post(provider.route_for(outgoing.event), outgoing.body);
    let mut omitted = Vec::new();
    for (name, template) in provider.header_templates(outgoing.event) {
        if event_name.is_none() && template.contains("{{event}}") {
            omitted.push(name.to_owned());
            continue;
        }
        let value = fixture::render_text(template, &mut ctx).map_err(|e| Error::ProviderFile {
            path: provider.files.display("provider.toml"),
            message: format!("header `{name}`: {e}"),
        })?;
        request.headers.push(name.to_owned(), value);
    }
    if let Some(content_type) = outgoing.content_type {
        request.headers.set("Content-Type", content_type);
    }
    let id = match outgoing.id {
        Some(id) => id,
        None => message_id(provider, outgoing.at, ctx.rng)?,
    };
    // Mailgun's signature is a field of the body: the body is signed first.
    if let Some(body) = provider
        .scheme
        .sign_body(&request, outgoing.keys, outgoing.at.timestamp())
        .map_err(|e| Error::usage(format!("cannot sign for {}: {e}", provider.name), None))?
    {
        request.body = body.into();
    }
    let signed = provider
        .scheme
        .sign(&request, outgoing.keys, outgoing.at.timestamp(), &id)
        .map_err(|e| Error::usage(format!("cannot sign for {}: {e}", provider.name), None))?;
    for (name, value) in signed.iter() {
        request.headers.set(name, value);
    }
    Ok((request, omitted))
}
