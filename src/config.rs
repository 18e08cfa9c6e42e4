//! `hookctl.toml`: extra provider folders and profiles (a base URL and secret sources per environment).
//!
//! ```toml
//! providers = ["./webhook-providers"]
//!
//! [profiles.staging]
//! url = "https://staging.example.com"
//! secrets = { payvost = "env:STAGING_PAYVOST_SECRET", payqi = "file:~/.secrets/payqi" }
//! credentials = { verifynow = { api-key = "env:STAGING_VERIFYNOW_API_KEY" } }
//! ```
//!
//! A secret source is `env:NAME`, `file:PATH` or the value itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::secret::Secret;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    providers: OneOrMany,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged, expecting = "expected a folder or a list of folders")]
enum OneOrMany {
    #[default]
    None,
    One(PathBuf),
    Many(Vec<PathBuf>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The profile's name in the file (its table key).
    #[serde(skip)]
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    /// The event store for this profile (a path or a `postgres://` URL), when `--store`/`HOOKCTL_STORE` name
    /// none.
    #[serde(default)]
    pub store: Option<String>,
    #[serde(default)]
    pub secrets: BTreeMap<String, Sources>,
    #[serde(default)]
    pub credentials: BTreeMap<String, BTreeMap<String, String>>,
}

/// A provider's secret sources in a profile: one, or a list during a rotation (`["env:OLD", "env:NEW"]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "expected a secret source or a list of them")]
pub enum Sources {
    One(String),
    Many(Vec<String>),
}

impl Sources {
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        match self {
            Self::One(source) => std::slice::from_ref(source).iter(),
            Self::Many(sources) => sources.iter(),
        }
    }
}

pub const FILE_NAME: &str = "hookctl.toml";

impl Config {
    /// `explicit` (from `--config`/`HOOKCTL_CONFIG`) must exist; otherwise `./hookctl.toml`, then the user
    /// config dir's `hookctl/hookctl.toml`; no file at all is an empty config.
    pub fn load(explicit: Option<&Path>) -> Result<Self, Error> {
        let candidates: Vec<PathBuf> = match explicit {
            Some(path) => vec![path.to_owned()],
            None => std::iter::once(PathBuf::from(FILE_NAME))
                .chain(dirs::config_dir().map(|d| d.join("hookctl").join(FILE_NAME)))
                .collect(),
        };
        for path in candidates {
            match std::fs::read_to_string(&path) {
                Ok(text) => return Self::parse(&text, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {}
                Err(source) => return Err(Error::Read { path, source }),
            }
        }
        Ok(Self::default())
    }

    fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let mut config: Self = toml::from_str(text).map_err(|e| Error::Config {
            path: path.display().to_string(),
            message: without_values(&crate::error::toml_message(text, &e)),
        })?;
        config.path = Some(path.to_owned());
        for (name, profile) in &mut config.profiles {
            profile.name.clone_from(name);
        }
        Ok(config)
    }

    /// A warning when the file holds a secret's value (not `env:` or `file:`) and others may read it, as ssh
    /// warns about a private key: `None` when it holds none or only its owner can read it.
    pub fn exposed_secret_warning(&self) -> Option<String> {
        let path = self.path.as_deref()?;
        let literal = |source: &String| !source.starts_with("env:") && !source.starts_with("file:");
        let holds_secret = self.profiles.values().any(|p| {
            p.secrets.values().flat_map(Sources::iter).any(literal)
                || p.credentials.values().flat_map(|c| c.values()).any(literal)
        });
        if !holds_secret {
            return None;
        }
        let mode = readable_by_others(path)?;
        Some(format!(
            "{} holds a secret and others can read it (mode {mode:o}); run `chmod 600 {}`, or use env:NAME or file:PATH sources",
            path.display(),
            path.display()
        ))
    }

    /// Whether this is the working folder's `hookctl.toml` adding provider folders that this user has not been
    /// told about yet: a cloned repository's config changes what hookctl knows, so it is announced once (per
    /// config path and folder list, remembered in the user data dir).
    pub fn announce_provider_dirs(&self) -> Option<String> {
        let path = self.path.as_deref().filter(|p| *p == Path::new(FILE_NAME))?;
        let dirs = self.provider_dirs();
        if dirs.is_empty() {
            return None;
        }
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let record = format!("{}\t{}", absolute.display(), shown.join("\t"));
        let seen = dirs::data_dir()?.join("hookctl").join("configs-seen");
        if std::fs::read_to_string(&seen).is_ok_and(|text| text.lines().any(|line| line == record)) {
            return None;
        }
        // Remembered best-effort: a data dir that cannot be written means being told again, which is safe.
        let _ = std::fs::create_dir_all(seen.parent()?);
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&seen)
            .and_then(|mut file| std::io::Write::write_all(&mut file, format!("{record}\n").as_bytes()));
        Some(format!(
            "{} in this folder adds providers from {} (said once; a provider there overrides a built-in one of the same name)",
            path.display(),
            shown.join(", ")
        ))
    }

    /// Every folder of `providers` exists: a missing one is named with the file and key it came from, as
    /// written, rather than as "cannot read" from deep in the catalog.
    pub fn check_provider_dirs(&self) -> Result<(), Error> {
        let written = match &self.providers {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(dir) => vec![dir.clone()],
            OneOrMany::Many(dirs) => dirs.clone(),
        };
        for (written, resolved) in written.iter().zip(self.provider_dirs()) {
            if !resolved.is_dir() {
                let path = self.path.as_deref().unwrap_or(Path::new(FILE_NAME));
                let what = if resolved.exists() { "is not a folder" } else { "does not exist" };
                return Err(Error::Config {
                    path: path.display().to_string(),
                    message: format!(
                        "providers: {} {what}; create it with your provider folders (fixtures/README.md) or remove it from the list",
                        written.display()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Provider folders named by the config, relative to the config file.
    pub fn provider_dirs(&self) -> Vec<PathBuf> {
        let base = self.path.as_deref().and_then(Path::parent).unwrap_or(Path::new("."));
        let dirs = match &self.providers {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(dir) => vec![dir.clone()],
            OneOrMany::Many(dirs) => dirs.clone(),
        };
        dirs.into_iter().map(|d| base.join(expand_home(&d))).collect()
    }

    pub fn profile(&self, name: &str) -> Result<&Profile, Error> {
        self.profiles.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            let hint = match (crate::suggest::closest(name, known.iter().copied()), &self.path) {
                (Some(s), _) => format!("did you mean `{s}`?"),
                (None, Some(path)) if !known.is_empty() => {
                    format!("{} defines {}", path.display(), known.join(", "))
                }
                (None, Some(path)) => format!("{} defines no [profiles]", path.display()),
                (None, None) => format!("no {FILE_NAME} was found; profiles live there"),
            };
            Error::usage(format!("unknown profile `{name}`"), hint)
        })
    }
}

/// A config error with every value it quotes replaced by its kind: the file holds secrets, and a secret written
/// where a table belongs (`secrets = "pvsec_…"`) must not reach the terminal. serde quotes a value as
/// `string "…"` (Debug-escaped) or `integer `12``; keys are quoted the same way but never follow a kind word.
fn without_values(message: &str) -> String {
    const KINDS: [(&str, &str); 6] = [
        ("string", "a string"),
        ("integer", "an integer"),
        ("floating point", "a floating point number"),
        ("character", "a character"),
        ("boolean", "a boolean"),
        ("byte array", "a byte array"),
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(['"', '`']) {
        let (before, quoted) = rest.split_at(at);
        // An unterminated quote runs to the end: hidden whole if it is a value.
        let len = quoted_len(quoted).unwrap_or(quoted.len());
        match KINDS.iter().find(|(kind, _)| before.ends_with(&format!("{kind} "))) {
            Some((kind, words)) => {
                out.push_str(&before[..before.len() - kind.len() - 1]);
                out.push_str(words);
            }
            None => {
                out.push_str(before);
                out.push_str(&quoted[..len]);
            }
        }
        rest = &quoted[len..];
    }
    out.push_str(rest);
    out
}

/// The length of a quoted value at the start of `text` (`"…"` with `\` escapes, or `` `…` ``), quotes included.
fn quoted_len(text: &str) -> Option<usize> {
    let quote = text.chars().next()?;
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return Some(i + 1),
            _ => escaped = false,
        }
    }
    None
}

/// Reads a secret source: `env:NAME`, `file:PATH` (one secret a line), or the value itself. `None` when the
/// variable is not set.
pub fn read_source(source: &str) -> Result<Option<Vec<Secret>>, Error> {
    if let Some(name) = source.strip_prefix("env:") {
        return Ok(std::env::var(name).ok().filter(|v| !v.is_empty()).map(|v| vec![Secret::new(v)]));
    }
    if let Some(path) = source.strip_prefix("file:") {
        return read_secret_lines(&expand_home(Path::new(path))).map(Some);
    }
    Ok(Some(vec![Secret::new(source)]))
}

/// Where a secret source reads from, in words, never the value: `env NAME`, `file PATH`, or `the config file`.
pub fn describe_source(source: &str) -> String {
    if let Some(name) = source.strip_prefix("env:") {
        format!("env {name}")
    } else if let Some(path) = source.strip_prefix("file:") {
        format!("file {path}")
    } else {
        "a value in the config file".into()
    }
}

/// The permission bits of a file that its group or others may read; `None` when only its owner can (or
/// where there are no such bits).
pub fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o044 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A secret file's secrets: one a line (several during a rotation), line breaks (LF or CRLF) not part of them,
/// blank lines skipped.
pub fn read_secret_lines(path: &Path) -> Result<Vec<Secret>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    // A PEM key (an asymmetric scheme's private or public key) is one value over several lines.
    if text.trim_start().starts_with("-----BEGIN") {
        return Ok(vec![Secret::new(text.trim())]);
    }
    Ok(text.lines().filter(|line| !line.is_empty()).map(Secret::new).collect())
}

fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn config_errors_name_kinds_never_values() {
        assert_eq!(
            without_values(r#"line 2: invalid type: string "pvsec_X\"y", expected a map"#),
            "line 2: invalid type: a string, expected a map"
        );
        assert_eq!(
            without_values("invalid type: integer `12`, expected a string"),
            "invalid type: an integer, expected a string"
        );
        assert_eq!(
            without_values("unknown field `secret`, expected one of `url`, `secrets`"),
            "unknown field `secret`, expected one of `url`, `secrets`"
        );
        assert_eq!(without_values(r#"invalid value: string "unterminated"#), "invalid value: a string");
    }
}
