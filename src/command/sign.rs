//! `hookctl sign PROVIDER [FILE|-] [--event E]`: the headers a provider would send for a body.

use std::fs::File;
use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::Path;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::App;
use crate::cli::{RenderArgs, SignArgs};
use crate::error::{Error, ExitCode};
use crate::keys::KeySources;
use crate::outgoing::{self, Outgoing};
use crate::output::{self, Role, sanitize};
use crate::request::Request;

#[derive(Serialize)]
struct SignedJson<'a> {
    provider: &'a str,
    event: Option<&'a str>,
    #[serde(flatten)]
    request: &'a Request,
    /// Where the secret and credentials came from, with fingerprints.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    keys: &'a [crate::keys::Origin],
    /// Set when a user folder replaced the built-in provider's scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    scheme_override: Option<&'a crate::provider::SchemeOverride>,
}

pub fn run(app: &App, args: &SignArgs) -> Result<ExitCode, Error> {
    let catalog = app.catalog()?;
    let provider = catalog.get(&args.provider)?;
    let replaced = app.scheme_override(&catalog, &provider);
    let profile = app.profile()?;
    let at = render_time(&args.render)?;
    let mut rng = fastrand::Rng::new();

    let (body, event, rendered) = match (&args.file, &args.event) {
        (Some(file), event) => {
            if !args.render.set.is_empty() {
                return Err(Error::usage(
                    "--set changes a rendered fixture, not a FILE",
                    Some("drop FILE to sign --event's fixture".into()),
                ));
            }
            // With a FILE, --event only names the type (for headers such as X-GitHub-Event).
            let event = event.as_deref().map(|spec| provider.event_variant(spec).map(|(e, _)| e)).transpose()?;
            (read_body(file)?, event, false)
        }
        (None, Some(spec)) => {
            let rendered = outgoing::render(&provider, spec, &args.render.set, at, &mut rng)?;
            (provider.serialize_body(rendered.event, &rendered.payload).into(), Some(rendered.event), true)
        }
        (None, None) => {
            return Err(Error::usage(
                "nothing to sign",
                Some(format!(
                    "give a FILE, - for stdin, or --event EVENT (`hookctl fixtures {}` lists them)",
                    provider.name
                )),
            ));
        }
    };
    // A FILE is read as the provider's receiver would (JSON, or a form for a provider that sends forms): its
    // format picks the Content-Type, and without --event the envelope may find the type in it.
    let explicit = args.content_type.as_deref();
    let parsed = if rendered { None } else { provider.parse_body(&body, explicit.map(str::as_bytes)).ok() };
    let detected = match event {
        Some(_) => None,
        None => parsed.as_ref().and_then(|p| provider.event_type(Some(&p.value), &Default::default())),
    };
    let event = event.or_else(|| detected.and_then(|name| provider.events.iter().find(|e| e.name == name)));
    let content_type = match (explicit, rendered) {
        (Some(explicit), _) => Some(explicit),
        (None, true) => event.and_then(|e| e.body_format.content_type()),
        (None, false) => parsed.and_then(|p| p.format.content_type()),
    };

    let resolved = KeySources { args: &args.keys, profile, style: app.style, quiet: false }.resolve(&provider)?;
    crate::keys::announce(&app.style, &resolved.origins);
    crate::keys::note_single_signature(&app.style, &provider, &resolved.keys);
    let keys = crate::scheme::Keys { url: args.url.clone(), ..resolved.keys };
    if args.id.is_some() && provider.scheme.message_id.is_none() {
        let note = app.style.err(Role::Warn, "note");
        eprintln!("hookctl: {note}: {} sends no message id; --id is ignored", provider.name);
    }
    if !provider.scheme.is_signed() {
        let note = app.style.err(Role::Warn, "note");
        eprintln!("hookctl: {note}: {} does not sign its deliveries; these are the headers it sends", provider.name);
    }
    let outgoing = Outgoing { provider: &provider, event, body, content_type, keys: &keys, at, id: args.id.clone() };
    let (mut request, omitted) = outgoing::build(outgoing, &mut rng)?;
    // The request as it arrives at --url: its path and query, and its Host, so that a verifier of the capture
    // knows the URL the signature covers.
    if let Some(url) = args.url.as_deref().and_then(|u| reqwest::Url::parse(u).ok()) {
        request.target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        if let Some(host) = url.host_str() {
            let host = url.port().map_or_else(|| host.to_owned(), |port| format!("{host}:{port}"));
            request.headers.set("Host", host);
        }
    }
    for name in omitted {
        let note = app.style.err(Role::Warn, "note");
        eprintln!("hookctl: {note}: `{name}` left out: the event type is unknown; pass --event EVENT");
    }

    if app.json {
        let json = SignedJson {
            provider: &provider.name,
            event: event.map(|e| e.name.as_str()),
            request: &request,
            keys: &resolved.origins,
            scheme_override: replaced.as_ref(),
        };
        output::print_json(&json)?;
        return Ok(ExitCode::Success);
    }
    let mut out = String::new();
    for (name, value) in request.headers.iter() {
        let name = app.style.out(Role::Name, &sanitize(name, false));
        out.push_str(&format!("{name}: {}\n", sanitize(&String::from_utf8_lossy(value), false)));
    }
    if rendered {
        // The body was made here, so it is part of the answer: a blank line, then the exact bytes signed.
        out.push('\n');
        if std::io::stdout().is_terminal() {
            // For the eye: escaped, and a line break so the prompt starts on its own line.
            out.push_str(&sanitize(&String::from_utf8_lossy(&request.body), true));
            out.push('\n');
        } else {
            // Into a file or a pipe: the bytes as signed, nothing added, so `hookctl verify` of the file holds.
            output::print(&out)?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&request.body).and_then(|()| stdout.flush()).map_err(Error::Io)?;
            return Ok(ExitCode::Success);
        }
    }
    output::print(&out)?;
    Ok(ExitCode::Success)
}

/// `--timestamp` or now.
pub fn render_time(render: &RenderArgs) -> Result<DateTime<Utc>, Error> {
    match &render.timestamp {
        Some(text) => crate::time::parse_user_time(text).map_err(|e| Error::usage(format!("--timestamp: {e}"), None)),
        None => Ok(crate::time::now()),
    }
}

/// A body or capture file (`-`: stdin), whole.
pub fn read_body(file: &Path) -> Result<Bytes, Error> {
    if file.as_os_str() == "-" {
        let mut body = Vec::new();
        std::io::stdin().read_to_end(&mut body).map_err(|source| Error::Read { path: "stdin".into(), source })?;
        return Ok(body.into());
    }
    let read = || {
        let mut opened = File::open(file)?;
        let metadata = opened.metadata()?;
        match usize::try_from(metadata.len()) {
            Ok(size) if metadata.is_file() && size >= LARGE_FILE => read_large(&mut opened, size),
            _ => {
                let mut body = Vec::new();
                opened.read_to_end(&mut body)?;
                Ok(body.into())
            }
        }
    };
    read().map_err(|source| Error::Read { path: file.to_owned(), source })
}

/// From this size on, a file is read into memory of its own, backed by transparent huge pages where the system
/// allows them: faulting in a fresh 64 MiB buffer 4 KiB at a time costs about half as much as hashing it (`verify`
/// of a large capture), 2 MiB at a time next to nothing.
const LARGE_FILE: usize = 4 << 20;
const HUGE_PAGE: usize = 2 << 20;

fn read_large(file: &mut File, size: usize) -> std::io::Result<Bytes> {
    let too_large = || std::io::Error::new(std::io::ErrorKind::OutOfMemory, "the file is too large to read");
    let mut memory = memmap2::MmapOptions::new().len(size.checked_add(HUGE_PAGE).ok_or_else(too_large)?).map_anon()?;
    // Only advice: where huge pages are off (or not Linux), this is an ordinary buffer.
    #[cfg(target_os = "linux")]
    let _ = memory.advise(memmap2::Advice::HugePage);
    // Huge pages cover aligned 2 MiB stretches; the body starts at the first one (`min`: `align_offset` may, in
    // principle, answer `usize::MAX`; the buffer then simply starts unaligned).
    let start = memory.as_ptr().align_offset(HUGE_PAGE).min(HUGE_PAGE);
    let buffer = &mut memory[start..start + size];
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let read = Bytes::from_owner(memory.make_read_only()?).slice(start..start + filled);
    // The file grew since its size was taken: keep all of it (in a copy: twice the memory, for this rare case).
    let mut rest = Vec::new();
    file.read_to_end(&mut rest)?;
    if rest.is_empty() {
        return Ok(read);
    }
    Ok([&read[..], &rest].concat().into())
}
