//! Finding providers: the built-in folders embedded at build time, then user folders that add or override
//! providers by name. Nothing is parsed until a command asks for a provider.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Provider;
use super::file::ProviderFile;
use crate::error::Error;
use crate::suggest;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_fixtures.rs"));
}

/// Where one provider's files live.
#[derive(Debug, Clone)]
pub enum Files {
    Embedded(String),
    Dir(PathBuf),
}

impl Files {
    /// Reads a file of the provider by its path relative to the provider folder (`events/x.json`).
    pub fn read(&self, relative: &str) -> Result<Cow<'static, [u8]>, Error> {
        match self {
            Self::Embedded(name) => {
                let key = format!("{name}/{relative}");
                let missing = |message: String| Error::ProviderFile { path: format!("fixtures/{key}"), message };
                let i = embedded::FILES
                    .binary_search_by(|(path, _, _)| path.cmp(&key.as_str()))
                    .map_err(|_| missing("missing from the built-in catalog".into()))?;
                match embedded::FILES[i] {
                    (_, false, bytes) => Ok(Cow::Borrowed(bytes)),
                    (_, true, packed) => {
                        let mut bytes = Vec::with_capacity(packed.len() * 4);
                        std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(packed), &mut bytes)
                            .map_err(|e| missing(format!("cannot inflate the built-in file: {e}")))?;
                        Ok(Cow::Owned(bytes))
                    }
                }
            }
            Self::Dir(dir) => {
                let path = dir.join(relative);
                // Names are checked when the provider is parsed; this keeps any other path inside too.
                if Path::new(relative).components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
                    return Err(Error::ProviderFile {
                        path: path.display().to_string(),
                        message: "leaves the provider folder".into(),
                    });
                }
                std::fs::read(&path).map(Cow::Owned).map_err(|source| Error::Read { path, source })
            }
        }
    }

    pub fn exists(&self, relative: &str) -> bool {
        match self {
            Self::Embedded(name) => {
                let key = format!("{name}/{relative}");
                embedded::FILES.binary_search_by(|(path, _, _)| path.cmp(&key.as_str())).is_ok()
            }
            Self::Dir(dir) => dir.join(relative).is_file(),
        }
    }

    /// The names of the files directly in a folder of the provider (`scenarios`), sorted; none when it has no
    /// such folder.
    pub fn list(&self, folder: &str) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Self::Embedded(name) => {
                let prefix = format!("{name}/{folder}/");
                embedded::FILES
                    .iter()
                    .filter_map(|(path, _, _)| path.strip_prefix(&prefix))
                    .filter(|rest| !rest.contains('/'))
                    .map(str::to_owned)
                    .collect()
            }
            Self::Dir(dir) => std::fs::read_dir(dir.join(folder))
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| e.path().is_file())
                        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        };
        names.sort();
        names
    }

    /// A path to show in messages.
    pub fn display(&self, relative: &str) -> String {
        match self {
            Self::Embedded(name) => format!("fixtures/{name}/{relative}"),
            Self::Dir(dir) => dir.join(relative).display().to_string(),
        }
    }
}

/// Every provider hookctl knows, by name.
#[derive(Debug, Clone)]
pub struct Catalog {
    providers: BTreeMap<String, Files>,
}

impl Catalog {
    /// The built-in providers only.
    pub fn builtin() -> Self {
        let mut providers = BTreeMap::new();
        for (path, _, _) in embedded::FILES {
            if let Some(name) = path.strip_suffix("/provider.toml") {
                providers.insert(name.to_owned(), Files::Embedded(name.to_owned()));
            }
        }
        Self { providers }
    }

    /// The built-in providers, then each of `dirs` in order: a folder holding `provider.toml` is one provider,
    /// any other folder is searched one level down. A later name replaces an earlier one.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<Self, Error> {
        let mut catalog = Self::builtin();
        for dir in dirs {
            catalog.add_dir(dir)?;
        }
        Ok(catalog)
    }

    fn add_dir(&mut self, dir: &Path) -> Result<(), Error> {
        if dir.join("provider.toml").is_file() {
            let name = provider_name(dir)?;
            self.providers.insert(name, Files::Dir(dir.to_owned()));
            return Ok(());
        }
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Read { path: dir.to_owned(), source })?;
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.join("provider.toml").is_file() {
                found.push((provider_name(&path)?, path));
            }
        }
        if found.is_empty() {
            return Err(Error::Usage {
                message: format!("{} holds no provider", dir.display()),
                hint: Some("a provider folder contains a provider.toml (see fixtures/README.md)".into()),
            });
        }
        for (name, path) in found {
            self.providers.insert(name, Files::Dir(path));
        }
        Ok(())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(String::as_str)
    }

    /// Parses one provider, with a "did you mean" on an unknown name.
    pub fn get(&self, name: &str) -> Result<Provider, Error> {
        let files = self.providers.get(name).ok_or_else(|| Error::UnknownProvider {
            name: name.to_owned(),
            suggestion: suggest::closest(name, self.names()),
        })?;
        load(files.clone())
    }

    /// When `provider` comes from a user folder and replaces a built-in one with another signing scheme: the
    /// file it came from and the two schemes, for a notice. A folder that only adds events or fixtures to a
    /// built-in provider's scheme gets none; one that changes what `verify` accepts always does.
    pub fn scheme_override(&self, provider: &Provider) -> Option<SchemeOverride> {
        let Files::Dir(_) = &provider.files else { return None };
        let builtin = load(Files::Embedded(provider.name.clone())).ok()?;
        if builtin.scheme == provider.scheme {
            return None;
        }
        let (builtin, mut replacement) = (builtin.scheme.summary(), provider.scheme.summary());
        if replacement == builtin {
            replacement.push_str(", with another timestamp, key, layout or credential");
        }
        Some(SchemeOverride {
            provider: provider.name.clone(),
            file: provider.files.display("provider.toml"),
            builtin,
            replacement,
        })
    }

    /// Parses every provider, in name order.
    pub fn all(&self) -> Result<Vec<Provider>, Error> {
        self.providers.values().cloned().map(load).collect()
    }
}

/// A built-in provider's signing scheme replaced by a user folder's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemeOverride {
    pub provider: String,
    /// The `provider.toml` the replacement came from.
    pub file: String,
    pub builtin: String,
    pub replacement: String,
}

impl std::fmt::Display for SchemeOverride {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}'s signing scheme comes from {} ({}), not the built-in one ({})",
            self.provider, self.file, self.replacement, self.builtin
        )
    }
}

/// The name a provider folder declares; it must match the folder's own name so overrides are predictable.
fn provider_name(dir: &Path) -> Result<String, Error> {
    let files = Files::Dir(dir.to_owned());
    let parsed = parse(&files)?;
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if parsed.name() != folder {
        return Err(Error::ProviderFile {
            path: files.display("provider.toml"),
            message: format!("name = {:?} does not match its folder `{folder}`", parsed.name()),
        });
    }
    Ok(folder)
}

fn parse(files: &Files) -> Result<ProviderFile, Error> {
    let bytes = files.read("provider.toml")?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::ProviderFile { path: files.display("provider.toml"), message: "not UTF-8".into() })?;
    ProviderFile::parse(text).map_err(|message| Error::ProviderFile { path: files.display("provider.toml"), message })
}

fn load(files: Files) -> Result<Provider, Error> {
    let path = files.display("provider.toml");
    parse(&files)?.into_provider(files).map_err(|message| Error::ProviderFile { path, message })
}
