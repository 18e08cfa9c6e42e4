//! hookctl: sign, send, verify, receive and replay webhooks exactly as the providers do.
//!
//! The core (`scheme`, `fixture`, `request`) is pure: time and randomness come in as arguments. The
//! commands in `command` are the thin shell around it.

pub mod audit;
pub mod body;
pub mod capture;
pub mod cli;
mod command;
mod complete;
pub mod config;
pub mod content_encoding;
pub mod deliver;
pub mod dispatch;
pub mod error;
pub mod fixture;
pub mod form;
pub mod import;
pub mod inspect;
pub mod interrupt;
mod keys;
#[cfg(test)]
mod mutate;
pub mod outgoing;
pub mod output;
mod process;
pub mod provider;
pub mod report_file;
pub mod request;
pub mod scenario;
pub mod schema;
pub mod scheme;
pub mod secret;
pub mod server;
pub mod specs;
pub mod store;
mod suggest;
pub mod summary;
pub mod tcpdump;
pub mod time;
pub mod ui;

use clap::Parser as _;

use crate::error::ExitCode;
use crate::output::{Role, Style};

/// Parses the command line, runs the command and returns its exit code; errors are printed here, once.
pub fn run() -> ExitCode {
    quiet_on_broken_pipe();
    // Before anything is printed: a shell asking for completions gets only candidates on stdout.
    complete::answer_if_asked();
    let cli = cli::Cli::parse();
    let style = Style::new(cli.global.color);
    match command::dispatch(cli, style) {
        Ok(code) => code,
        Err(error) => {
            let label = style.err(Role::Fail, "error");
            eprintln!("hookctl: {label}: {}", output::sanitize(&error.render(), false));
            error.exit_code()
        }
    }
}

/// Output whose reader has gone (`hookctl listen 2>&1 | head -1`) ends the process quietly with 141, as a
/// SIGPIPE ends other command-line tools, instead of a panic nobody can read: Rust ignores SIGPIPE, so a print
/// to a closed pipe fails, and `println!`/`eprintln!` panic on that.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
