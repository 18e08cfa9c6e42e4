//! `hookctl completions SHELL` and `hookctl man`: generated from the clap definition.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, ExitCode};

pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, Error> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "hookctl", &mut out);
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::Success)
}

pub fn man() -> Result<ExitCode, Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::Success)
}
