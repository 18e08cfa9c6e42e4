//! Scenarios: a provider's real flows as ordered steps (`fixtures/<provider>/scenarios/<name>.toml`), whose
//! named values (`{{ref:payment_id}}`) are generated once per run, so every step speaks of the same payment,
//! user or check. The format is documented in `fixtures/README.md`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::Error;
use crate::fixture::{self, Assignment, Refs};
use crate::provider::Provider;

/// One scenario, read and checked against its provider's catalog.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Named values and the placeholder that generates each, in the file's order (a later one may use an
    /// earlier one).
    pub refs: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct Step {
    /// `EVENT` or `EVENT:VARIANT`.
    pub spec: String,
    /// `--set`-style overrides (`data.id={{ref:payment_id}}`), rendered with the run's values.
    pub sets: Vec<String>,
    /// How long to wait after the step before this one was delivered.
    pub delay: Duration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    #[serde(default)]
    description: String,
    #[serde(default)]
    refs: toml::Table,
    #[serde(default, rename = "step")]
    steps: Vec<StepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    event: String,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    set: Vec<String>,
    #[serde(default)]
    delay: Option<String>,
}

const FOLDER: &str = "scenarios";

/// The names of a provider's scenarios, sorted.
pub fn names(provider: &Provider) -> Vec<String> {
    provider.files.list(FOLDER).into_iter().filter_map(|f| f.strip_suffix(".toml").map(str::to_owned)).collect()
}

/// Whether `name` is one of the provider's scenarios (and not one of its events).
pub fn is_scenario(provider: &Provider, name: &str) -> bool {
    !provider.events.iter().any(|e| e.name == name) && names(provider).iter().any(|n| n == name)
}

/// Reads and checks a scenario: every step names an event (and variant) of the catalog, every override is
/// `path=value` or `path:=json`, every delay a duration.
pub fn load(provider: &Provider, name: &str) -> Result<Scenario, Error> {
    let path = format!("{FOLDER}/{name}.toml");
    let bad = |message: String| Error::ProviderFile { path: provider.files.display(&path), message };
    let bytes = provider.files.read(&path)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("not UTF-8".into()))?;
    let file: ScenarioFile = toml::from_str(text).map_err(|e| bad(crate::error::toml_message(text, &e)))?;
    if file.steps.is_empty() {
        return Err(bad("a scenario has at least one [[step]]".into()));
    }
    let mut refs = Vec::new();
    for (ref_name, value) in file.refs {
        let toml::Value::String(template) = value else {
            return Err(bad(format!("[refs]: `{ref_name}` must be a placeholder string such as \"{{{{id:pay_}}}}\"")));
        };
        if ref_name.is_empty() || ref_name.contains([':', '{', '}']) {
            return Err(bad(format!("[refs]: `{ref_name}` must be a plain name")));
        }
        refs.push((ref_name, template));
    }
    let mut steps = Vec::new();
    for (i, step) in file.steps.into_iter().enumerate() {
        let number = i + 1;
        let spec = match step.variant {
            Some(variant) => format!("{}:{variant}", step.event),
            None => step.event,
        };
        provider.event_variant(&spec).map_err(|e| match e.hint() {
            Some(hint) => bad(format!("step {number}: {e} ({hint})")),
            None => bad(format!("step {number}: {e}")),
        })?;
        for set in &step.set {
            if !set.contains('=') {
                return Err(bad(format!("step {number}: `{set}` is not path=value (or path:=json)")));
            }
        }
        let delay = match step.delay {
            Some(text) => humantime::parse_duration(&text)
                .map_err(|e| bad(format!("step {number}: delay {text:?} is not a duration like \"2s\": {e}")))?,
            None => Duration::ZERO,
        };
        steps.push(Step { spec, sets: step.set, delay });
    }
    Ok(Scenario { name: name.to_owned(), description: file.description, refs, steps })
}

impl Scenario {
    /// The named values of one run, generated afresh.
    pub fn new_run(&self, provider: &Provider, now: DateTime<Utc>, rng: &mut fastrand::Rng) -> Result<Refs, Error> {
        let mut ctx = context(provider, now, rng, Refs::default());
        for (name, template) in &self.refs {
            let value = fixture::render_text(template, &mut ctx)
                .map_err(|e| self.error(provider, format!("[refs]: `{name}`: {e}")))?;
            ctx.refs.insert(name.clone(), serde_json::Value::String(value));
        }
        Ok(ctx.refs)
    }

    /// A step's overrides with the run's values in them.
    pub fn sets(
        &self,
        provider: &Provider,
        step: usize,
        refs: &Refs,
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
    ) -> Result<Vec<Assignment>, Error> {
        let mut ctx = context(provider, now, rng, refs.clone());
        let number = step + 1;
        self.steps[step]
            .sets
            .iter()
            .map(|set| {
                let text = fixture::render_text(set, &mut ctx)
                    .map_err(|e| self.error(provider, format!("step {number}: {e}")))?;
                text.parse().map_err(|e| self.error(provider, format!("step {number}: {e}")))
            })
            .collect()
    }

    fn error(&self, provider: &Provider, message: String) -> Error {
        Error::ProviderFile { path: provider.files.display(&format!("{FOLDER}/{}.toml", self.name)), message }
    }
}

fn context<'a>(
    provider: &'a Provider,
    now: DateTime<Utc>,
    rng: &'a mut fastrand::Rng,
    refs: Refs,
) -> fixture::Context<'a> {
    fixture::Context { now, time_format: &provider.envelope.time_format, event: "", rng, refs }
}
