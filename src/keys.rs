//! Finding the signing secret and credentials a provider needs, from the sources SPEC §3 lists, in order:
//! the flags, the provider's environment variables, `HOOKCTL_SECRET`, the config profile, a hidden prompt.

use std::io::IsTerminal;

use crate::cli::KeyArgs;
use crate::config::{self, Profile};
use crate::error::Error;
use crate::output::{Role, Style};
use crate::provider::Provider;
use crate::scheme::Keys;
use crate::secret::Secret;

pub struct KeySources<'a> {
    pub args: &'a KeyArgs,
    pub profile: Option<&'a Profile>,
    pub style: Style,
    /// No warning about secrets on the command line (the caller warned once already).
    pub quiet: bool,
}

/// Whether hookctl may prompt: stdin and stderr are both terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

impl KeySources<'_> {
    /// Every key the provider's scheme needs to sign: the secret if it signs, and each credential it sends.
    pub fn resolve(&self, provider: &Provider) -> Result<Keys, Error> {
        let secret = if provider.scheme.is_signed() { Some(self.secret(provider)?) } else { None };
        let mut credentials = Vec::new();
        for spec in &provider.scheme.credentials {
            let value =
                self.credential(provider, &spec.name, &spec.env, true)?.ok_or_else(|| Error::MissingSecret {
                    provider: provider.name.clone(),
                    what: spec.name.replace('-', " "),
                    flag: "--api-key",
                    env: spec.env.clone(),
                })?;
            credentials.push((spec.name.clone(), value));
        }
        Ok(Keys { secret, credentials })
    }

    /// The keys to verify with: the secret is needed, a credential is compared only when one is given.
    pub fn resolve_for_verify(&self, provider: &Provider) -> Result<Keys, Error> {
        let secret = if provider.scheme.is_signed() { Some(self.secret(provider)?) } else { None };
        let mut credentials = Vec::new();
        for spec in &provider.scheme.credentials {
            if let Some(value) = self.credential(provider, &spec.name, &spec.env, false)? {
                credentials.push((spec.name.clone(), value));
            }
        }
        Ok(Keys { secret, credentials })
    }

    /// The keys to check deliveries with, never asking: what the flags, env and profile give. A provider
    /// without a secret gets none (its signatures show "not checked"), so a listener serves every provider.
    pub fn resolve_quietly(&self, provider: &Provider) -> Result<Keys, Error> {
        let secret = if provider.scheme.is_signed() { self.find_secret(provider)? } else { None };
        let mut credentials = Vec::new();
        for spec in &provider.scheme.credentials {
            if let Some(value) = self.credential(provider, &spec.name, &spec.env, false)? {
                credentials.push((spec.name.clone(), value));
            }
        }
        Ok(Keys { secret, credentials })
    }

    /// The secret from the flags, the env or the profile, in that order.
    fn find_secret(&self, provider: &Provider) -> Result<Option<Secret>, Error> {
        if let Some(value) = &self.args.secret {
            self.warn_flag("--secret", provider.secret_env.first().map_or("HOOKCTL_SECRET", String::as_str));
            return non_empty(Secret::new(value.as_str()), "--secret").map(Some);
        }
        if let Some(path) = &self.args.secret_file {
            return non_empty(config::read_secret_file(path)?, &format!("--secret-file {}", path.display())).map(Some);
        }
        let env = provider.secret_env.iter().map(String::as_str).chain(["HOOKCTL_SECRET"]);
        if let Some(secret) = from_env(env) {
            return Ok(Some(secret));
        }
        if let Some(source) = self.profile.and_then(|p| p.secrets.get(&provider.name)) {
            return match config::read_source(source)? {
                Some(secret) => non_empty(secret, "the profile").map(Some),
                None => Err(Error::usage(
                    format!("the profile's secret for {} comes from `{source}`, which is not set", provider.name),
                    Some("set that variable, or change the profile in hookctl.toml".into()),
                )),
            };
        }
        Ok(None)
    }

    fn secret(&self, provider: &Provider) -> Result<Secret, Error> {
        if let Some(secret) = self.find_secret(provider)? {
            return Ok(secret);
        }
        let missing = || Error::MissingSecret {
            provider: provider.name.clone(),
            what: "signing secret".into(),
            flag: "--secret/--secret-file",
            env: provider.secret_env.iter().cloned().chain(["HOOKCTL_SECRET".into()]).collect(),
        };
        let prompt = format!("{} signing secret", provider.title);
        self.prompt(&prompt).ok_or_else(missing)
    }

    /// A credential from `--api-key`, the env, the profile or (when `prompt`) a prompt; `None` when none has it.
    fn credential(
        &self,
        provider: &Provider,
        name: &str,
        env: &[String],
        prompt: bool,
    ) -> Result<Option<Secret>, Error> {
        // `--api-key` is the flag for the one credential providers send today.
        if let Some(value) = self.args.api_key.as_deref().filter(|_| name == "api-key") {
            self.warn_flag("--api-key", env.first().map_or("the provider's env var", String::as_str));
            return non_empty(Secret::new(value), "--api-key").map(Some);
        }
        if let Some(secret) = from_env(env.iter().map(String::as_str)) {
            return Ok(Some(secret));
        }
        let source = self.profile.and_then(|p| p.credentials.get(&provider.name)).and_then(|c| c.get(name));
        if let Some(secret) = source.map(|s| config::read_source(s)).transpose()?.flatten() {
            return Ok(Some(secret));
        }
        Ok(if prompt { self.prompt(&format!("{} {}", provider.title, name.replace('-', " "))) } else { None })
    }

    fn prompt(&self, what: &str) -> Option<Secret> {
        if !interactive() {
            return None;
        }
        let value = dialoguer::Password::new().with_prompt(what).allow_empty_password(false).interact().ok()?;
        Some(Secret::new(value))
    }

    fn warn_flag(&self, flag: &str, env: &str) {
        if self.quiet {
            return;
        }
        let warning = self.style.err(Role::Warn, "warning");
        eprintln!("hookctl: {warning}: {flag} is visible to other users in the process list; prefer {env}");
    }
}

fn non_empty(secret: Secret, source: &str) -> Result<Secret, Error> {
    if secret.expose().trim().is_empty() {
        return Err(Error::usage(
            format!("the secret from {source} is empty"),
            Some("give the provider's signing secret".into()),
        ));
    }
    Ok(secret)
}

fn from_env<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Secret> {
    names.into_iter().find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty())).map(Secret::new)
}
