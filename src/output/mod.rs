//! Everything that reaches a terminal: colour decided once per stream, untrusted text sanitised.

mod sanitize;
mod style;

pub use sanitize::sanitize;
pub use style::{ColorChoice, Role, Style};

use std::io::Write as _;

use crate::error::Error;

/// Writes to stdout. A closed pipe (`hookctl send … --dry-run | head -1`) means nobody reads any more: hookctl
/// stops quietly, as Unix tools do, instead of producing output for nobody.
pub fn print(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        result => result.map_err(Error::Io),
    }
}

/// One JSON object per line on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), Error> {
    let mut line = serde_json::to_string(value).map_err(|e| Error::Io(e.into()))?;
    line.push('\n');
    print(&line)
}

/// Creates (or truncates) a file only its owner can read: exports and reports hold requests, and with
/// `--keep-credentials` their credentials. An existing file keeps its mode only if it is already private.
pub fn create_private(path: &std::path::Path) -> Result<std::fs::File, Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let metadata = file.metadata().map_err(Error::Io)?;
        if metadata.is_file() && metadata.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|source| Error::Read { path: path.to_owned(), source })?;
        }
    }
    Ok(file)
}

/// `1 event`, `2 events`: a count and its noun, singular or plural.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}
