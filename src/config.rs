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
#[serde(untagged)]
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
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    #[serde(default)]
    pub credentials: BTreeMap<String, BTreeMap<String, String>>,
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
            message: crate::error::toml_message(text, &e),
        })?;
        config.path = Some(path.to_owned());
        for (name, profile) in &mut config.profiles {
            profile.name.clone_from(name);
        }
        Ok(config)
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

/// Reads a secret source: `env:NAME`, `file:PATH`, or the value itself.
pub fn read_source(source: &str) -> Result<Option<Secret>, Error> {
    if let Some(name) = source.strip_prefix("env:") {
        return Ok(std::env::var(name).ok().filter(|v| !v.is_empty()).map(Secret::new));
    }
    if let Some(path) = source.strip_prefix("file:") {
        return read_secret_file(&expand_home(Path::new(path))).map(Some);
    }
    Ok(Some(Secret::new(source)))
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

/// A secret file's content without its final line break.
pub fn read_secret_file(path: &Path) -> Result<Secret, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    Ok(Secret::new(text))
}

fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}
