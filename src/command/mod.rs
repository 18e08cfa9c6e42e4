//! One module per subcommand: orchestration only; the work is in the core modules.

mod audit;
mod completions;
mod events;
mod fixtures;
mod handshake;
mod keys;
mod listen;
mod providers;
mod replay;
mod send;
mod sign;
mod subscribe;
mod tokens;
mod ui;
mod verify;

use std::path::PathBuf;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Config, Profile};
use crate::error::{Error, ExitCode};
use crate::output::Style;
use crate::provider::{Catalog, Provider, SchemeOverride};

/// What every command shares: output style, JSON mode, the config and where providers come from.
pub struct App {
    pub style: Style,
    pub json: bool,
    pub config: Config,
    provider_dirs: Vec<PathBuf>,
    profile: Option<String>,
    store: Option<crate::store::Location>,
}

impl App {
    fn new(global: GlobalArgs, style: Style) -> Result<Self, Error> {
        let config = Config::load(global.config.as_deref())?;
        config.check_provider_dirs()?;
        if let Some(note) = config.announce_provider_dirs() {
            eprintln!(
                "hookctl: {}: {}",
                style.err(crate::output::Role::Warn, "note"),
                crate::output::sanitize(&note, false)
            );
        }
        if let Some(warning) = config.exposed_secret_warning() {
            eprintln!("hookctl: {}: {warning}", style.err(crate::output::Role::Warn, "warning"));
        }
        // The config's folders first, so a folder named on the command line wins.
        let mut provider_dirs = config.provider_dirs();
        provider_dirs.extend(global.providers);
        // An empty `--store`/`HOOKCTL_STORE` is the same as none; then the selected profile's `store`, if any.
        let store = global.store.filter(|path| !path.as_os_str().is_empty()).or_else(|| {
            let profile = global.profile.as_deref().and_then(|name| config.profiles.get(name))?;
            profile.store.as_deref().filter(|s| !s.is_empty()).map(PathBuf::from)
        });
        let store = store.map(crate::store::Location::new);
        Ok(Self { style, json: global.json, config, provider_dirs, profile: global.profile, store })
    }

    /// The event store at `--store`, `HOOKCTL_STORE` or the default path, for commands that read it: it must
    /// exist. A mistyped path is an error, never a new empty store (and folder) that then "has no events".
    /// Opened read-only: reading works on a read-only file or mount.
    pub fn store(&self) -> Result<crate::store::Store, Error> {
        crate::store::Store::open_read_only(&self.existing_store()?)
    }

    /// The existing event store, opened to change it (`events delete`).
    pub fn store_to_change(&self) -> Result<crate::store::Store, Error> {
        self.opened(crate::store::Store::open(&self.existing_store()?)?)
    }

    /// Says when opening the store made it owner-only again.
    fn opened(&self, store: crate::store::Store) -> Result<crate::store::Store, Error> {
        if let Some(mode) = store.was_exposed() {
            let note = self.style.err(crate::output::Role::Warn, "note");
            eprintln!(
                "hookctl: {note}: store {} could be read by others (mode {mode:04o}); made it and its -wal and -shm owner-only (0600)",
                store.location()
            );
        }
        Ok(store)
    }

    /// Where the store is: `--store`, `HOOKCTL_STORE`, the profile's `store`, else the default path.
    pub fn store_location(&self) -> crate::store::Location {
        self.store.clone().unwrap_or_else(|| crate::store::Location::File(crate::store::default_path()))
    }

    fn existing_store(&self) -> Result<crate::store::Location, Error> {
        let location = self.store_location();
        if let crate::store::Location::File(path) = &location
            && !path.is_file()
        {
            return Err(Error::NoStore { path: path.clone(), chosen: self.store.is_some() });
        }
        Ok(location)
    }

    /// The event store, created when missing: only for the commands that put events in it (listen, import).
    pub fn store_or_create(&self) -> Result<crate::store::Store, Error> {
        self.opened(crate::store::Store::open(&self.store_location())?)
    }

    pub fn catalog(&self) -> Result<Catalog, Error> {
        Catalog::with_dirs(&self.provider_dirs)
    }

    /// Says on stderr, every time, when a user folder replaces a built-in provider's signing scheme: a
    /// `hookctl.toml` in a cloned repository must not quietly change what `verify` accepts.
    pub fn scheme_override(&self, catalog: &Catalog, provider: &Provider) -> Option<SchemeOverride> {
        let replaced = catalog.scheme_override(provider)?;
        let notice = self.style.err(crate::output::Role::Warn, "notice");
        eprintln!("hookctl: {notice}: {}", crate::output::sanitize(&replaced.to_string(), false));
        Some(replaced)
    }

    /// The selected profile, if `--profile` (or `HOOKCTL_PROFILE`) names one.
    pub fn profile(&self) -> Result<Option<&Profile>, Error> {
        self.profile.as_deref().map(|name| self.config.profile(name)).transpose()
    }
}

pub fn dispatch(cli: Cli, style: Style) -> Result<ExitCode, Error> {
    // Generated output needs no config: a broken hookctl.toml must not block completions.
    match cli.command {
        Command::Completions(args) => return completions::completions(&args),
        Command::Man(args) => return completions::man(&args),
        _ => {}
    }
    let app = App::new(cli.global, style)?;
    match cli.command {
        Command::Providers(args) => providers::run(&app, &args),
        Command::Fixtures(args) => fixtures::run(&app, &args),
        Command::Sign(args) => sign::run(&app, &args),
        Command::Send(args) => send::run(&app, &args),
        Command::Verify(args) => verify::run(&app, &args),
        Command::Listen(args) => listen::run(&app, &args),
        Command::Events(command) => events::run(&app, &command),
        Command::Replay(args) => replay::run(&app, &args),
        Command::Audit(args) => audit::run(&app, &args),
        Command::Keys(command) => keys::run(&app, &command),
        Command::Ui(args) => ui::run(&app, &args),
        Command::Tokens(command) => tokens::run(&app, &command),
        Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
    }
}

/// `-H 'Name: value'`.
pub fn parse_header(text: &str) -> Result<(String, String), Error> {
    let bad = || Error::usage(format!("-H {text:?} is not `Name: value`"), Some("write -H 'X-Name: value'".into()));
    let (name, value) = text.split_once(':').ok_or_else(bad)?;
    let name = name.trim();
    if name.is_empty() || reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(bad());
    }
    let value = value.trim();
    if reqwest::header::HeaderValue::from_str(value).is_err() {
        return Err(Error::usage(
            format!(
                "-H {:?}: the value has a line break or another control character",
                crate::output::sanitize(text, false)
            ),
            Some("a header value is one line of text".into()),
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// A glob given on the command line (`payment.*`), with the flag it came from in the error.
pub fn glob(flag: &str, text: &str) -> Result<globset::GlobMatcher, Error> {
    globset::Glob::new(text)
        .map(|g| g.compile_matcher())
        .map_err(|e| Error::usage(format!("{flag} `{text}` is not a valid glob: {e}"), None))
}

/// The async runtime for commands that do network I/O (built only by them: start-up stays cheap).
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::usage(format!("cannot start the async runtime: {e}"), None))
}

/// `--tls-cert`/`--tls-key`: HTTPS for a server, or plain HTTP when neither is given.
pub fn tls(args: &crate::cli::TlsArgs) -> Result<Option<crate::server::Tls>, Error> {
    match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let tls = crate::server::Tls::load(cert, key)?;
            if let Some(doubt) = tls.doubt() {
                eprintln!("hookctl: warning: clients will refuse the TLS certificate {}: {doubt}", cert.display());
            }
            Ok(Some(tls))
        }
        _ => Ok(None),
    }
}
