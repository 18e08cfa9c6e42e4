//! `hookctl fixtures [PROVIDER [EVENT[:VARIANT]]]`: list fixtures, or print one rendered.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};

use serde_json::json;

use super::App;
use crate::cli::FixturesArgs;
use crate::error::{Error, ExitCode};
use crate::output::{self, Role, sanitize};
use crate::provider::Provider;

pub fn run(app: &App, args: &FixturesArgs) -> Result<ExitCode, Error> {
    let catalog = app.catalog()?;
    let providers = match &args.provider {
        Some(name) => vec![catalog.get(name)?],
        None => catalog.all()?,
    };
    match (&args.event, providers.as_slice()) {
        (Some(spec), [provider]) => print_rendered(app, provider, spec, args),
        _ => list(app, &providers),
    }?;
    Ok(ExitCode::Success)
}

fn list(app: &App, providers: &[Provider]) -> Result<(), Error> {
    let mut out = String::new();
    let width = providers.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for provider in providers {
        for event in &provider.events {
            let variants: Vec<Option<&str>> = if event.variants.is_empty() {
                vec![None]
            } else {
                event.variants.iter().map(|v| Some(v.as_str())).collect()
            };
            for (i, variant) in variants.into_iter().enumerate() {
                let spec = variant.map_or_else(|| event.name.clone(), |v| format!("{}:{v}", event.name));
                if app.json {
                    output::print_json(&json!({
                        "provider": provider.name,
                        "event": event.name,
                        "variant": variant,
                        "default": i == 0,
                        "route": provider.route_for(Some(event)),
                        "description": event.description,
                    }))?;
                    continue;
                }
                let name = app.style.out(Role::Name, &format!("{:<width$}", sanitize(&provider.name, false)));
                let _ = writeln!(out, "{name}  {:<40} {}", sanitize(&spec, false), sanitize(&event.description, false));
            }
        }
        for name in crate::scenario::names(provider) {
            let scenario = crate::scenario::load(provider, &name)?;
            let steps: Vec<&str> = scenario.steps.iter().map(|s| s.spec.as_str()).collect();
            if app.json {
                output::print_json(&json!({
                    "provider": provider.name,
                    "scenario": scenario.name,
                    "steps": steps,
                    "description": scenario.description,
                }))?;
                continue;
            }
            let label = app.style.out(Role::Name, &format!("{:<width$}", sanitize(&provider.name, false)));
            let about = format!("scenario: {} ({})", scenario.description, steps.join(" → "));
            let _ = writeln!(out, "{label}  {:<40} {}", sanitize(&name, false), sanitize(&about, false));
        }
    }
    output::print(&out)
}

/// The body exactly as the provider sends it (compact JSON where it sends compact, a form where it sends
/// forms), so `hookctl fixtures P E > body; hookctl sign P body` signs what the provider would have signed.
fn print_rendered(app: &App, provider: &Provider, spec: &str, args: &FixturesArgs) -> Result<(), Error> {
    let render = &args.render;
    let now = super::sign::render_time(render)?;
    let rendered = crate::outgoing::render(provider, spec, &render.set, now, &mut fastrand::Rng::new())?;
    if app.json {
        return output::print_json(&json!({
            "provider": provider.name,
            "event": rendered.event.name,
            "variant": rendered.variant,
            "route": provider.route_for(Some(rendered.event)),
            "payload": rendered.payload,
        }));
    }
    if args.pretty {
        let pretty = serde_json::to_string_pretty(&rendered.payload).map_err(|e| Error::Io(e.into()))?;
        return output::print(&format!("{}\n", sanitize(&pretty, true)));
    }
    let body = provider.serialize_body(rendered.event, &rendered.payload);
    if std::io::stdout().is_terminal() {
        // For the eye: escaped, and a line break so the prompt starts on its own line.
        return output::print(&format!("{}\n", sanitize(&String::from_utf8_lossy(&body), true)));
    }
    // Nothing added, not even a final newline: those would be bytes the provider does not sign.
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&body).and_then(|()| stdout.flush()).or_else(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(Error::Io(e)),
    })
}
