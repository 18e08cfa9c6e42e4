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
