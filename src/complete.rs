//! Dynamic shell completion: the shell scripts call `COMPLETE=<shell> hookctl -- <words>`, and the values of
//! provider, event, profile and stored-id arguments come from this binary's own catalog, config and store, so
//! they are never out of date and include the user's own providers.
//!
//! Completion must never fail loudly: a broken config or a missing store means fewer candidates, not an error
//! printed into the user's prompt.

use std::ffi::OsStr;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::config::Config;
use crate::provider::{Catalog, Provider};

/// The environment variable that switches the binary into completion mode (clap_complete's convention).
pub const VAR: &str = "COMPLETE";

/// Answers a completion request and exits when `COMPLETE` is set; returns otherwise.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(<crate::cli::Cli as clap::CommandFactory>::command)
        .var(VAR)
        .bin("hookctl")
        .complete();
}

/// The script a shell sources to complete `hookctl`. It calls `hookctl` from PATH (not the path of the
/// binary that printed it), so the committed copies in `completions/` are the same on every machine.
pub fn registration(shell: clap_complete::Shell) -> std::io::Result<Vec<u8>> {
    let name = shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let completer =
        shells.completer(&name).ok_or_else(|| std::io::Error::other(format!("no dynamic completion for {name}")))?;
    let mut out = Vec::new();
    completer.write_registration(VAR, "hookctl", "hookctl", "hookctl", &mut out)?;
    Ok(out)
}

pub fn providers() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let catalog = catalog();
        catalog.names().filter(|n| n.starts_with(&*current)).map(CompletionCandidate::new).collect()
    })
}

/// `PROVIDER/` for `replay --fixtures PROVIDER[/GLOB]`: the slash invites the glob.
pub fn provider_folders() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let catalog = catalog();
        catalog
            .names()
            .map(|name| format!("{name}/"))
            .filter(|n| n.starts_with(&*current))
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// Event names of the provider already on the command line; after `EVENT:`, that event's variants.
pub fn events() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let Some(provider) = provider_on_line() else { return Vec::new() };
        event_candidates(&provider, &current)
    })
}

fn event_candidates(provider: &Provider, current: &str) -> Vec<CompletionCandidate> {
    let described = |value: String, about: &str| {
        CompletionCandidate::new(value).help((!about.is_empty()).then(|| about.to_owned().into()))
    };
    if let Some((event, _)) = current.split_once(':') {
        let Ok(def) = provider.event(event) else { return Vec::new() };
        return def
            .variants
            .iter()
            .map(|variant| format!("{event}:{variant}"))
            .filter(|v| v.starts_with(current))
            .map(|v| described(v, ""))
            .collect();
    }
    provider
        .events
        .iter()
        .filter(|e| e.name.starts_with(current))
        .map(|e| described(e.name.clone(), &e.description))
        .collect()
}

/// The config's profile names.
pub fn profiles() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let Some(config) = config() else { return Vec::new() };
        config.profiles.keys().filter(|n| n.starts_with(&*current)).map(CompletionCandidate::new).collect()
    })
}

/// The newest stored events' ids, each with its provider and type. Only an existing store is read: completing
/// must not create one.
pub fn stored_ids() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let path = std::env::var_os("HOOKCTL_STORE")
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
            .unwrap_or_else(crate::store::default_path);
        // A file that exists; a TAB does not wait on a network store either.
        if !path.is_file() {
            return Vec::new();
        }
        let path = crate::store::Location::File(path);
        // Read-only: a TAB must not migrate, chmod or write to the store.
        let Ok(store) = crate::store::Store::open_read_only(&path) else { return Vec::new() };
        let filter = crate::store::Filter { last: Some(200), ..Default::default() };
        let mut candidates = Vec::new();
        let _ = store.for_each(&filter, |event| {
            let id = event.id.to_string();
            if id.starts_with(&*current) {
                let about = format!(
                    "{} {}",
                    event.provider.as_deref().unwrap_or("-"),
                    event.event_type.as_deref().unwrap_or("-")
                );
                candidates.push(CompletionCandidate::new(id).help(Some(about.into())));
            }
            Ok(())
        });
        candidates
    })
}

fn config() -> Option<Config> {
    let explicit = std::env::var_os("HOOKCTL_CONFIG").map(std::path::PathBuf::from);
    Config::load(explicit.as_deref()).ok()
}

/// The built-in providers with the config's and `HOOKCTL_PROVIDERS`' folders, as the command would see them;
/// the built-in ones alone when a folder cannot be read.
fn catalog() -> Catalog {
    let mut dirs = config().map(|c| c.provider_dirs()).unwrap_or_default();
    dirs.extend(std::env::var_os("HOOKCTL_PROVIDERS").map(std::path::PathBuf::from));
    Catalog::with_dirs(&dirs).unwrap_or_else(|_| Catalog::builtin())
}

/// The first word of the line being completed that names a provider (`send payvost pay<TAB>`). The value
/// completer is only given the current word, so the rest of the line is read from the arguments the shell
/// script passed after `--`.
fn provider_on_line() -> Option<Provider> {
    let catalog = catalog();
    let words: Vec<String> =
        std::env::args_os().skip_while(|a| a != "--").skip(2).map(|a| a.to_string_lossy().into_owned()).collect();
    // The last word is the one being completed.
    let (_, before) = words.split_last()?;
    let name = before.iter().find(|w| catalog.names().any(|n| n == w.as_str()))?;
    catalog.get(name).ok()
}
