//! `hookctl listen`: the local receiver.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use super::App;
use crate::cli::ListenArgs;
use crate::deliver::{Client, Target};
use crate::error::{Error, ExitCode};
use crate::keys::{KeySources, Origin};
use crate::output::{Role, sanitize};
use crate::provider::Provider;
use crate::scheme::Keys;
use crate::server::{self, Listener, Printer, Settings, Writer};

pub fn run(app: &App, args: &ListenArgs) -> Result<ExitCode, Error> {
    if let Some(from) = &args.from {
        return super::subscribe::run(app, args, from);
    }
    let catalog = app.catalog()?;
    let providers = catalog.all()?;
    for provider in &providers {
        app.scheme_override(&catalog, provider);
    }
    let (keys, origins) = keys(app, args, &providers)?;
    let events = args.events.as_deref().map(|glob| super::glob("--events", glob)).transpose()?;
    let forward = match &args.forward_to {
        Some(to) => {
            let target = Target::parse(to, None)?;
            Some((Client::with_max_answer(&target, 64, args.max_body)?, target))
        }
        None => None,
    };
    let host: IpAddr = args.host.parse().map_err(|_| {
        Error::usage(
            format!("--host {:?} is not an IP address", args.host),
            Some("use 127.0.0.1, ::1 or 0.0.0.0".into()),
        )
    })?;
    // The largest body must fit in the budget's shared part, or it would be refused every time.
    if args.max_body > server::Budget::largest(args.max_memory) {
        let needed = args.max_body.div_ceil(7) * 8;
        return Err(Error::usage(
            format!(
                "--max-memory {} MiB cannot hold one --max-body {} MiB body",
                args.max_memory / (1024 * 1024),
                args.max_body / (1024 * 1024)
            ),
            Some(format!("raise --max-memory to at least {} MiB or lower --max-body", needed.div_ceil(1024 * 1024))),
        ));
    }
    let tls = super::tls(&args.tls)?;
    if !host.is_loopback() && tls.is_none() {
        let warning = app.style.err(Role::Warn, "warning");
        eprintln!(
            "hookctl: {warning}: listening on {host} exposes the listener to the network over plain HTTP; put a \
             proxy or load balancer that terminates TLS in front of it, or serve HTTPS with --tls-cert and \
             --tls-key (the inspector stays on its own address)"
        );
    }
    let runtime = super::runtime()?;
    write_errors_not_signals(&runtime);
    let store = app.store_or_create()?;
    // Acknowledging into a damaged store would answer 2xx for events that cannot be read back.
    store.check()?;
    let location = store.location().clone();
    let (writer, writer_thread) = Writer::start(store, args.retain.map(Into::into));
    let (printer, printer_thread) = Printer::start();
    // The inspector's providers and keys, taken before the listener owns them; it binds after the listener
    // (a receiving port in use is the one error to say).
    let live = (!args.no_ui).then(crate::ui::live_channel);
    let for_inspector = (!args.no_ui).then(|| (providers.clone(), keys.clone()));

    let settings = Settings {
        providers,
        keys,
        respond: args.respond,
        fail_rate: args.fail_rate,
        reject_invalid: args.reject_invalid,
        keep_credentials: args.keep_credentials,
        forward,
        verbose: args.verbose,
        json: app.json,
        events,
        style: app.style,
        max_body: args.max_body,
        read_timeout: args.read_timeout.into(),
        max_memory: args.max_memory,
        live: live.clone(),
    };
    let listener = Listener::new(settings, writer, printer);
    let router = server::router(listener.clone());

    let address = SocketAddr::new(host, args.port);
    let silent = args.read_timeout.into();
    let socket = runtime.block_on(async { server::bind(address, silent) }).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Error::usage(
            format!("port {} on {host} is in use", args.port),
            Some("stop what uses it, pick another --port, or --port 0 for a free one".into()),
        ),
        std::io::ErrorKind::PermissionDenied => Error::usage(
            format!("not allowed to listen on port {}", args.port),
            Some("ports below 1024 need privileges; use a higher --port".into()),
        ),
        _ => Error::usage(format!("cannot listen on {address}: {e}"), None),
    })?;
    let bound = socket.local_addr()?;
    let inspector = match (live, for_inspector) {
        (Some(live), Some((providers, keys))) => {
            let ui = args.ui.as_deref();
            super::ui::start_for_listen(app, &runtime, ui, location.clone(), (providers, keys), live, tls.clone())?
        }
        _ => None,
    };

    // Ready: the address and routes go to stderr, so stdout carries only events (NDJSON with --json).
    let style = app.style;
    eprintln!(
        "hookctl: listening on {}  (receiving, open to providers; store: {location})",
        style.err(Role::Heading, &format!("{}://{bound}", if tls.is_some() { "https" } else { "http" }))
    );
    for (route, provider) in listener.routes() {
        eprintln!("  {}  {}", style.err(Role::Name, &format!("{route:32}")), sanitize(&provider, false));
    }
    if let Some(bound) = inspector {
        super::ui::announce(style, &bound, None);
        // Stopped with the runtime, after the listener.
        runtime.spawn(crate::ui::serve(bound, std::future::pending()));
    }
    crate::keys::announce(&style, &origins);
    match (&args.forward_to, &args.events) {
        (Some(to), None) => eprintln!("  forwarding every delivery to {}", sanitize(to, false)),
        (Some(to), Some(glob)) => eprintln!(
            "  forwarding events matching {} to {}; the others are stored and answered as their provider expects",
            sanitize(glob, false),
            sanitize(to, false)
        ),
        (None, _) => {}
    }
    let wanted = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    let open_files = server::open_files();
    let limit = server::connection_limit(wanted, open_files, args.forward_to.is_some());
    if limit < wanted {
        let warning = style.err(Role::Warn, "warning");
        eprintln!(
            "hookctl: {warning}: at most {limit} connections at once, not {wanted}: the open-file limit is {} \
             (raise it with ulimit -n)",
            open_files.unwrap_or_default()
        );
    }

    // The body has its own deadline (--read-timeout, in the handler); the headers get the same one here.
    let connections = server::Connections::new(limit);
    let header_timeout = args.read_timeout.into();
    runtime.block_on(server::serve(socket, router, header_timeout, connections, tls, shutdown_signal()));
    eprintln!("hookctl: stopped after {}", crate::output::count(listener.received(), "delivery", "deliveries"));
    // Every handle on the writer goes with the listener and the runtime's tasks; then its last batch is
    // committed and the store closed, its WAL emptied into the database file.
    drop(listener);
    drop(runtime);
    let closed = writer_thread.close();
    let _ = printer_thread.join();
    closed.map(|()| ExitCode::Success)
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight (each of those is stored before it is answered).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Past a file-size limit (`ulimit -f`) the kernel sends SIGXFSZ, whose default action ends the process (exit
/// 153) in the middle of a batch. With a handler installed instead (tokio's, which only records the signal and is
/// never removed), the write fails with EFBIG: the batch's requests get their 503 and the listener goes on.
fn write_errors_not_signals(runtime: &tokio::runtime::Runtime) {
    #[cfg(target_os = "linux")]
    {
        let _context = runtime.enter();
        let xfsz = tokio::signal::unix::SignalKind::from_raw(rustix::process::Signal::XFSZ.as_raw());
        let _ = tokio::signal::unix::signal(xfsz);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = runtime;
}

/// Each provider's keys: `--secret PROVIDER=…`, the profile, its env vars, `HOOKCTL_SECRET`. A provider
/// without a secret is still received, its signature shown "not checked".
pub(super) fn keys(
    app: &App,
    args: &ListenArgs,
    providers: &[Provider],
) -> Result<(HashMap<String, Keys>, Vec<Origin>), Error> {
    // Several for one provider are a rotation: a delivery signed by any of them is valid.
    let mut given: HashMap<String, Vec<String>> = HashMap::new();
    for pair in &args.secrets {
        let (name, value) = pair.split_once('=').ok_or_else(|| {
            Error::usage(
                "--secret takes PROVIDER=SECRET".to_owned(),
                Some("for example --secret payvost=$SECRET".into()),
            )
        })?;
        if !providers.iter().any(|p| p.name == name) {
            return Err(Error::UnknownProvider {
                name: name.to_owned(),
                suggestion: crate::suggest::closest(name, providers.iter().map(|p| p.name.as_str())),
            });
        }
        given.entry(name.to_owned()).or_default().push(value.to_owned());
    }
    if !args.secrets.is_empty() {
        let warning = app.style.err(Role::Warn, "warning");
        eprintln!(
            "hookctl: {warning}: --secret is visible to other users in the process list; prefer the providers' env vars"
        );
    }
    let profile = app.profile()?;
    let mut keys = HashMap::new();
    let mut origins = Vec::new();
    for provider in providers {
        let args =
            crate::cli::KeyArgs { secret: given.remove(&provider.name).unwrap_or_default(), ..Default::default() };
        let sources = KeySources { args: &args, profile, style: app.style, quiet: true };
        let resolved = sources.resolve_quietly(provider)?;
        origins.extend(resolved.origins);
        keys.insert(provider.name.clone(), resolved.keys);
    }
    Ok((keys, origins))
}
