//! One error type, one renderer, one exit-code mapping.
//!
//! Verdicts (a bad signature, a failed delivery) are not errors: commands return them as exit codes. Errors
//! are what stopped a command from reaching a verdict.

use std::path::PathBuf;

/// Exit codes shared by every command (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
    SignatureInvalid = 3,
    DeliveryFailed = 4,
    PayloadInvalid = 5,
    /// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
    Interrupted = 130,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        Self::from(code as u8)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Usage { message: String, hint: Option<String> },
    #[error("unknown provider `{name}`")]
    UnknownProvider { name: String, suggestion: Option<String> },
    #[error("{provider} has no event `{name}`")]
    UnknownEvent { provider: String, name: String, suggestion: Option<String> },
    #[error("{event} has no variant `{name}`")]
    UnknownVariant { event: String, name: String, variants: Vec<String>, suggestion: Option<String> },
    #[error("no {what} for {provider}")]
    MissingSecret { provider: String, what: String, flag: &'static str, env: Vec<String> },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    ProviderFile { path: String, message: String },
    #[error("{path}: {message}")]
    Config { path: String, message: String },
    #[error("{0}")]
    Fixture(String),
    #[error("store {}: {message}", path.display())]
    Store { path: PathBuf, message: String },
    /// A command that reads the store was pointed at one that does not exist; `chosen`: by --store or
    /// HOOKCTL_STORE (likely a typo) rather than the default path (nothing stored yet).
    #[error("no store at {}", path.display())]
    NoStore { path: PathBuf, chosen: bool },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Self::Usage { message: message.into(), hint: hint.into() }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Usage { .. }
            | Self::UnknownProvider { .. }
            | Self::UnknownEvent { .. }
            | Self::UnknownVariant { .. }
            | Self::MissingSecret { .. }
            | Self::NoStore { .. } => ExitCode::Usage,
            Self::Read { .. }
            | Self::Write { .. }
            | Self::ProviderFile { .. }
            | Self::Config { .. }
            | Self::Fixture(_)
            | Self::Store { .. }
            | Self::Io(_) => ExitCode::Failure,
        }
    }

    /// What to do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Usage { hint, .. } => hint.clone(),
            Self::UnknownProvider { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            Self::UnknownProvider { suggestion: None, .. } => Some("`hookctl providers` lists them".into()),
            Self::UnknownEvent { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            Self::UnknownEvent { provider, suggestion: None, .. } => {
                Some(format!("`hookctl fixtures {provider}` lists its events"))
            }
            Self::UnknownVariant { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            Self::UnknownVariant { variants, .. } if variants.is_empty() => {
                Some("this event has no variants; drop the `:variant`".into())
            }
            Self::UnknownVariant { variants, .. } => Some(format!("its variants are {}", variants.join(", "))),
            Self::MissingSecret { flag, env, .. } => {
                let env: Vec<String> = env.iter().map(|e| format!("set {e}")).collect();
                let mut ways = vec![format!("pass {flag}")];
                ways.extend(env);
                Some(ways.join(" or "))
            }
            Self::NoStore { chosen: true, .. } => Some(
                "check --store / HOOKCTL_STORE; only `hookctl listen` and `hookctl events import` create a store"
                    .into(),
            ),
            Self::NoStore { chosen: false, .. } => {
                Some("nothing has been stored yet: `hookctl listen` or `hookctl events import` create the store".into())
            }
            Self::ProviderFile { .. } => Some("the provider file format is described in fixtures/README.md".into()),
            _ => None,
        }
    }

    /// The one line printed to stderr.
    pub fn render(&self) -> String {
        match self.hint() {
            Some(hint) => format!("{self}; {hint}"),
            None => self.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A TOML error on one line: `line 3: unknown variant `hmac-md5`, expected …`.
pub fn toml_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim_end().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            match toml_key(before) {
                Some(key) => format!("line {line}, `{key}`: {message}"),
                None => format!("line {line}: {message}"),
            }
        }
        None => message,
    }
}

/// The dotted key a value at the end of `before` belongs to (`profiles.staging.secrets`): the `key =` on its
/// line, under the last `[table]` header above it. `None` when the error is not at a value.
fn toml_key(before: &str) -> Option<String> {
    let (above, line) = before.rsplit_once('\n').unwrap_or(("", before));
    let key = line.trim().strip_suffix('=')?.trim();
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = above.lines().rev().map(str::trim).find(|l| l.starts_with('[') && !l.starts_with("[["));
    let table = table.map(|t| t.trim_matches(|c| c == '[' || c == ']').trim());
    Some(match table {
        Some(table) if !table.is_empty() => format!("{table}.{key}"),
        _ => key.to_owned(),
    })
}
