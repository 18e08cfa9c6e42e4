//! `hookctl audit PROVIDER --to URL`: the safety rules, then the probes of `crate::audit` and the scorecard.

use std::sync::Arc;
use std::time::Duration;

use crate::audit::{self, Setup, scorecard};
use crate::cli::AuditArgs;
use crate::deliver::Target;
use crate::dispatch::shown;
use crate::error::{Error, ExitCode};
use crate::keys::{self, KeySources};
use crate::output;

pub fn run(app: &super::App, args: &AuditArgs) -> Result<ExitCode, Error> {
    let catalog = app.catalog()?;
    let provider = Arc::new(catalog.get(&args.provider)?);
    app.scheme_override(&catalog, &provider);
    let profile = app.profile()?;
    let profile_url = profile.and_then(|p| p.url.as_deref());
    let target = Target::from_args(args.to.as_deref(), profile_url, "http://localhost:3000/webhooks")?;
    let url = target.url(provider.route_for(None));
    check_host(&url, profile_url, args.yes, "--to")?;
    let side_effect = args
        .side_effect_url
        .as_deref()
        .map(|text| match Target::parse(text, profile_url)? {
            Target::Base(url) | Target::Exact(url) => Ok::<_, Error>(url),
        })
        .transpose()?;
    if let Some(url) = &side_effect {
        check_host(url, profile_url, args.yes, "--side-effect-url")?;
    }
    let events = match args.event.as_slice() {
        [] => vec![
            provider
                .events
                .first()
                .map(|e| e.name.clone())
                .ok_or_else(|| Error::usage(format!("{} has no events to deliver", provider.name), None))?,
        ],
        given => {
            let mut events = Vec::new();
            for spec in given {
                events.extend(crate::specs::matching(&provider, spec)?);
            }
            events
        }
    };
    let resolved = KeySources { args: &args.keys, profile, style: app.style, quiet: false }.resolve(&provider)?;
    keys::announce(&app.style, &resolved.origins);
    let deadline = args.timeout.map(Into::into).or(provider.delivery.timeout).unwrap_or(Duration::from_secs(10));
    let setup = Setup {
        provider: provider.clone(),
        keys: resolved.keys,
        target,
        events,
        deadline,
        side_effect,
        concurrency: args.concurrency as usize,
    };
    let probes = audit::plan(&setup)?;
    if args.dry_run {
        for probe in &probes {
            if app.json {
                output::print_json(&scorecard::dry_run_json(probe))?;
            } else {
                output::print(&scorecard::dry_run_text(probe))?;
            }
        }
        return Ok(ExitCode::Success);
    }
    let results = super::runtime()?.block_on(audit::run(&setup, probes))?;
    let totals = audit::totals(&results);
    let shown_url = shown(&url);
    if app.json {
        for result in &results {
            output::print_json(&scorecard::probe_json(result))?;
        }
        output::print_json(&scorecard::summary_json(&provider.name, &shown_url, totals))?;
    } else {
        output::print(&scorecard::text(&provider.name, &shown_url, deadline, &results, totals, app.style))?;
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, scorecard::junit(&provider.name, &results, totals))
            .map_err(|source| Error::Write { path: path.clone(), source })?;
    }
    Ok(if totals.fail == 0 { ExitCode::Success } else { ExitCode::DeliveryFailed })
}

/// Probes go only to this machine or to the host of the selected profile, unless `--yes`.
fn check_host(url: &reqwest::Url, profile_url: Option<&str>, yes: bool, flag: &str) -> Result<(), Error> {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost") || bare.to_ascii_lowercase().ends_with(".localhost"),
    };
    let profile_host = profile_url
        .and_then(|u| reqwest::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|h| h.eq_ignore_ascii_case(host));
    if yes || loopback || profile_host {
        return Ok(());
    }
    Err(Error::usage(
        format!(
            "{flag} {host} is neither this machine nor the selected profile's host: an audit sends forged requests"
        ),
        Some("audit an endpoint you own: pass --yes to probe it anyway".into()),
    ))
}
