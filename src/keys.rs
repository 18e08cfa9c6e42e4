//! Finding the signing secret and credentials a provider needs, from the sources SPEC §3 lists, in order:
//! the flags, the selected config profile, the provider's environment variables, `HOOKCTL_SECRET`, a hidden
//! prompt. A profile chosen for this run (`--profile`, `HOOKCTL_PROFILE`) beats the ambient environment.
//!
//! Each key found says where it came from and carries a short fingerprint ([`Origin`]), so two people can
//! compare secrets without showing them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cli::KeyArgs;
use crate::config::{self, Profile};
use crate::error::Error;
use crate::output::{Role, Style, sanitize};
use crate::provider::Provider;
use crate::scheme::{Key, Keys};
use crate::secret::Secret;

pub struct KeySources<'a> {
    pub args: &'a KeyArgs,
    pub profile: Option<&'a Profile>,
    pub style: Style,
    /// No warning about secrets on the command line (the caller warned once already).
    pub quiet: bool,
}

/// Where one key came from: `profile staging (env STAGING_PAYVOST_SECRET)`, and the first 8 hex digits of the
/// SHA-256 of its value (never the value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub provider: String,
    /// `secret`, or a credential's name (`api-key`).
    pub key: String,
    pub source: String,
    pub sha256: String,
}

impl Origin {
    fn new(provider: &Provider, key: &str, source: String, value: &Secret) -> Self {
        // Either half of a key pair has the public key's fingerprint, so a sender's private key and a receiver's
        // public key show the same one.
        if let Ok(pair) = provider.scheme.read_key(value) {
            let half = match pair {
                Key::Private(_) => "private key",
                Key::Public(_) => "public key",
            };
            let key = key.replacen("secret", half, 1);
            return Self { provider: provider.name.clone(), key, source, sha256: pair.public().fingerprint() };
        }
        Self { provider: provider.name.clone(), key: key.to_owned(), source, sha256: fingerprint(value) }
    }
}

/// Where `hookctl keys generate PROVIDER` writes a test private key, and where the secret sources look for one
/// after `HOOKCTL_SECRET`: `<user data dir>/hookctl/keys/PROVIDER.key`.
pub fn test_key_path(provider: &str) -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("hookctl").join("keys").join(format!("{provider}.key"))
}

/// Writes a private key readable by its owner only (0600), in a folder only its owner can enter; an existing
/// file is replaced only when `force`.
pub fn write_private_key(path: &Path, key: &Secret, force: bool) -> Result<(), Error> {
    use std::io::Write as _;
    let write_error = |source| Error::Write { path: path.to_owned(), source };
    if path.exists() && !force {
        return Err(Error::usage(
            format!("{} exists; it may hold a key pair an app is configured with", path.display()),
            Some("pass --force to replace it, or --out FILE to write the new key elsewhere".into()),
        ));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(parent).map_err(write_error)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(write_error)?;
    // A file that existed keeps its mode through open: it is made owner-only before the key is in it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(write_error)?;
    }
    let mut text = key.expose().trim_end().to_owned();
    text.push('\n');
    file.write_all(text.as_bytes()).map_err(write_error)
}

/// A key for a provider that signs with a key pair must be one of its keys: anything else is a usage error that
/// names the source and what was expected (never the value).
fn usable(provider: &Provider, found: Found) -> Result<Found, Error> {
    if !provider.scheme.is_asymmetric() {
        return Ok(found);
    }
    for value in &found.values {
        if let Err(error) = provider.scheme.read_key(value) {
            return Err(Error::usage(
                format!("{}: {error}", found.source),
                Some(format!(
                    "give {}'s public key as it shows it (to verify), or a private key (to sign: `hookctl keys \
                     generate {}` makes a test pair)",
                    provider.title, provider.name
                )),
            ));
        }
    }
    Ok(found)
}

/// The test private key `hookctl keys generate` wrote for an asymmetric provider, when there is one.
fn test_key(provider: &Provider) -> Result<Option<Found>, Error> {
    if !provider.scheme.is_asymmetric() {
        return Ok(None);
    }
    let path = test_key_path(&provider.name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path, source }),
    };
    crate::process::keep_secrets_in();
    let source = format!("test key {} (hookctl keys generate)", path.display());
    Ok(Some(Found { values: vec![Secret::new(text.trim())], source }))
}

/// The keys for one provider, and where each came from.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub keys: Keys,
    pub origins: Vec<Origin>,
}

/// A short fingerprint of a secret: enough for two people to tell whether they hold the same one.
pub fn fingerprint(secret: &Secret) -> String {
    let digest = Sha256::digest(secret.expose().as_bytes());
    hex::encode(&digest[..4])
}

/// Whether hookctl may prompt: stdin and stderr are both terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Says on stderr when several secrets were given to sign with but the provider's header carries one
/// signature: only the first signs, so a rotation cannot be rehearsed with this provider's deliveries.
pub fn note_single_signature(style: &Style, provider: &Provider, keys: &Keys) {
    if !keys.rotation.is_empty() && provider.scheme.is_signed() && !provider.scheme.layout.carries_several() {
        let note = style.err(Role::Warn, "note");
        eprintln!(
            "hookctl: {note}: {}'s `{}` carries one signature: signed with the 1st of {} secrets only",
            provider.name,
            provider.scheme.header,
            keys.rotation.len() + 1
        );
    }
}

/// Says on stderr where each key came from: `hookctl: payvost secret: env PAYVOST_WEBHOOK_SECRET, sha256 3f9a1b2c`.
pub fn announce(style: &Style, origins: &[Origin]) {
    for origin in origins {
        let what = style.err(Role::Dim, &format!("{} {}", origin.provider, origin.key));
        eprintln!("hookctl: {what}: {}, sha256 {}", sanitize(&origin.source, false), origin.sha256);
    }
}

/// Values found, and the words for where: one, or several for a rotation (a file's lines, a repeated flag, a
/// profile's list).
struct Found {
    values: Vec<Secret>,
    source: String,
}

impl KeySources<'_> {
    /// Every key the provider's scheme needs to sign: the secret if it signs, and each credential it sends.
    pub fn resolve(&self, provider: &Provider) -> Result<Resolved, Error> {
        let mut resolved = Resolved::default();
        if provider.scheme.is_signed() {
            let found = match self.find_secret(provider)? {
                Some(found) => found,
                None => {
                    self.prompt(&format!("{} signing secret", provider.title)).ok_or_else(|| self.missing(provider))?
                }
            };
            let found = self.private_key(provider, found)?;
            resolved.set_secret(provider, found);
        }
        for spec in &provider.scheme.credentials {
            let found =
                self.credential(provider, &spec.name, &spec.env, true)?.ok_or_else(|| Error::MissingSecret {
                    provider: provider.name.clone(),
                    what: spec.name.replace('-', " "),
                    flag: "--api-key",
                    env: spec.env.clone(),
                })?;
            resolved.add_credential(provider, &spec.name, found);
        }
        Ok(resolved)
    }

    /// For signing with an asymmetric scheme, a private key: a source that holds only the provider's public key
    /// (its env var, set for the app) gives way to the test key `hookctl keys generate` wrote, and without one
    /// it is an error that says how to get one.
    fn private_key(&self, provider: &Provider, found: Found) -> Result<Found, Error> {
        let scheme = &provider.scheme;
        let public_only = |found: &Found| {
            scheme.is_asymmetric() && found.values.iter().all(|v| matches!(scheme.read_key(v), Ok(Key::Public(_))))
        };
        if !public_only(&found) {
            return Ok(found);
        }
        if let Some(test) = test_key(provider)?.filter(|test| !public_only(test)) {
            if !self.quiet {
                let note = self.style.err(Role::Warn, "note");
                eprintln!(
                    "hookctl: {note}: {} holds {}'s public key, which cannot sign: signing with the test key",
                    sanitize(&found.source, false),
                    provider.name
                );
            }
            return Ok(test);
        }
        Err(Error::usage(
            format!(
                "{} holds {}'s public key, which verifies but cannot sign: only {} has the private key",
                found.source, provider.name, provider.title
            ),
            Some(format!(
                "run `hookctl keys generate {}` for a test key pair and configure your app with its public key",
                provider.name
            )),
        ))
    }

    /// The keys to verify with. Without a secret (and no terminal to ask on) the signature is not checked, and
    /// the rest of the verdict still stands; a credential is compared only when one is given.
    pub fn resolve_for_verify(&self, provider: &Provider) -> Result<Resolved, Error> {
        let mut resolved = self.resolve_quietly(provider)?;
        if provider.scheme.is_signed()
            && resolved.keys.secret.is_none()
            && let Some(found) = self.prompt(&format!("{} signing secret", provider.title))
        {
            resolved.set_secret(provider, found);
        }
        Ok(resolved)
    }

    /// The keys to check deliveries with, never asking: what the flags, profile and env give. A provider
    /// without a secret gets none (its signatures show "not checked"), so a listener serves every provider.
    pub fn resolve_quietly(&self, provider: &Provider) -> Result<Resolved, Error> {
        let mut resolved = Resolved::default();
        if provider.scheme.is_signed()
            && let Some(found) = self.find_secret(provider)?
        {
            resolved.set_secret(provider, found);
        }
        self.optional_credentials(provider, &mut resolved)?;
        Ok(resolved)
    }

    fn optional_credentials(&self, provider: &Provider, resolved: &mut Resolved) -> Result<(), Error> {
        for spec in &provider.scheme.credentials {
            if let Some(found) = self.credential(provider, &spec.name, &spec.env, false)? {
                resolved.add_credential(provider, &spec.name, found);
            }
        }
        Ok(())
    }

    /// The secret from the flags, the profile, the provider's env vars or `HOOKCTL_SECRET`, in that order.
    fn find_secret(&self, provider: &Provider) -> Result<Option<Found>, Error> {
        if let Some(found) = self.given_secret(provider)? {
            return usable(provider, found).map(Some);
        }
        if let Some(found) = from_env(provider.secret_env.iter().map(String::as_str)) {
            return usable(provider, found).map(Some);
        }
        // HOOKCTL_SECRET serves every provider: one that signs with a key pair takes it only when it is a key.
        if let Some(found) = from_env(["HOOKCTL_SECRET"])
            && (!provider.scheme.is_asymmetric() || found.values.iter().all(|v| provider.scheme.read_key(v).is_ok()))
        {
            return Ok(Some(found));
        }
        test_key(provider)
    }

    /// The secret from the flags or the profile, which name it for this run.
    fn given_secret(&self, provider: &Provider) -> Result<Option<Found>, Error> {
        if !self.args.secret.is_empty() {
            self.warn_flag("--secret", provider.secret_env.first().map_or("HOOKCTL_SECRET", String::as_str));
            let values = self.args.secret.iter().map(|v| Secret::new(v.as_str())).collect();
            return found(values, "--secret".into());
        }
        if let Some(path) = &self.args.secret_file {
            return found(config::read_secret_lines(path)?, format!("--secret-file {}", path.display()));
        }
        if let Some(profile) = self.profile
            && let Some(sources) = profile.secrets.get(&provider.name)
        {
            let mut values = Vec::new();
            let mut described = Vec::new();
            for source in sources.iter() {
                let Found { values: more, source } =
                    Self::read_profile(profile, source, &format!("secret for {}", provider.name))?;
                values.extend(more);
                described.push(source);
            }
            let source = format!("profile {} ({})", profile.name, described.join(", "));
            return found(values, source);
        }
        Ok(None)
    }

    /// A profile's source, which must give a value: the profile was chosen for this run.
    fn read_profile(profile: &Profile, source: &str, what: &str) -> Result<Found, Error> {
        let Some(values) = config::read_source(source)? else {
            return Err(Error::usage(
                format!("profile {}: the {what} comes from `{source}`, which is not set", profile.name),
                Some("set that variable, or change the profile in hookctl.toml".into()),
            ));
        };
        Ok(Found { values, source: config::describe_source(source) })
    }

    fn missing(&self, provider: &Provider) -> Error {
        if provider.scheme.is_asymmetric() {
            // The provider's env vars name its public key (what an app configures): no place for a private one.
            return Error::usage(
                format!("no private key to sign for {} with", provider.name),
                Some(format!(
                    "run `hookctl keys generate {}` for a test key pair (sign and send find its private key), or \
                     give a private key with --secret-file",
                    provider.name
                )),
            );
        }
        Error::MissingSecret {
            provider: provider.name.clone(),
            what: "signing secret".into(),
            flag: "--secret/--secret-file",
            env: provider.secret_env.iter().cloned().chain(["HOOKCTL_SECRET".into()]).collect(),
        }
    }

    /// A credential from `--api-key`, the profile, the env or (when `prompt`) a prompt; `None` when none has it.
    fn credential(
        &self,
        provider: &Provider,
        name: &str,
        env: &[String],
        prompt: bool,
    ) -> Result<Option<Found>, Error> {
        // `--api-key` is the flag for the one credential providers send today.
        if let Some(value) = self.args.api_key.as_deref().filter(|_| name == "api-key") {
            self.warn_flag("--api-key", env.first().map_or("the provider's env var", String::as_str));
            return found(vec![Secret::new(value)], "--api-key".into());
        }
        if let Some(profile) = self.profile
            && let Some(source) = profile.credentials.get(&provider.name).and_then(|c| c.get(name))
        {
            let Found { values, source } =
                Self::read_profile(profile, source, &format!("{name} for {}", provider.name))?;
            return found(values, format!("profile {} ({source})", profile.name));
        }
        if let Some(found) = from_env(env.iter().map(String::as_str)) {
            return Ok(Some(found));
        }
        let asked = if prompt { self.prompt(&format!("{} {}", provider.title, name.replace('-', " "))) } else { None };
        Ok(asked)
    }

    fn prompt(&self, what: &str) -> Option<Found> {
        if !interactive() {
            return None;
        }
        crate::process::keep_secrets_in();
        let value = dialoguer::Password::new().with_prompt(what).allow_empty_password(false).interact().ok()?;
        Some(Found { values: vec![Secret::new(value)], source: "prompt".into() })
    }

    fn warn_flag(&self, flag: &str, env: &str) {
        if self.quiet {
            return;
        }
        let warning = self.style.err(Role::Warn, "warning");
        eprintln!("hookctl: {warning}: {flag} is visible to other users in the process list; prefer {env}");
    }
}

impl Resolved {
    /// The first value is the secret, the rest the rotation's others; each gets an origin of its own.
    fn set_secret(&mut self, provider: &Provider, found: Found) {
        let several = found.values.len() > 1;
        for (index, value) in found.values.into_iter().enumerate() {
            let key = if several { format!("secret {}", index + 1) } else { "secret".into() };
            self.origins.push(Origin::new(provider, &key, found.source.clone(), &value));
            if self.keys.secret.is_none() {
                self.keys.secret = Some(value);
            } else {
                self.keys.rotation.push(value);
            }
        }
    }

    /// A credential is one value: the first found.
    fn add_credential(&mut self, provider: &Provider, name: &str, found: Found) {
        let Some(value) = found.values.into_iter().next() else { return };
        self.origins.push(Origin::new(provider, name, found.source, &value));
        self.keys.credentials.push((name.to_owned(), value));
    }
}

/// Values from a source, refused when one is empty (or there are none): an empty secret signs nothing anyone
/// can check.
fn found(values: Vec<Secret>, source: String) -> Result<Option<Found>, Error> {
    if values.is_empty() || values.iter().any(|v| v.expose().trim().is_empty()) {
        return Err(Error::usage(
            format!("the secret from {source} is empty"),
            Some("give the provider's signing secret".into()),
        ));
    }
    crate::process::keep_secrets_in();
    Ok(Some(Found { values, source }))
}

fn from_env<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Found> {
    names.into_iter().find_map(|name| {
        let value = std::env::var(name).ok().filter(|v| !v.is_empty())?;
        crate::process::keep_secrets_in();
        Some(Found { values: vec![Secret::new(value)], source: format!("env {name}") })
    })
}
