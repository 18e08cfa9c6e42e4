//! Colour: `--color`, then a non-empty `NO_COLOR`, then whether the stream is a terminal — decided once, per
//! stream. Commands ask for a role (`Role::Ok`), never for a colour.

use std::io::IsTerminal;

use colored::{ColoredString, Colorize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What a piece of text is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Names: providers, events, header names.
    Name,
    Ok,
    Fail,
    Warn,
    Dim,
    Heading,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    stdout: bool,
    stderr: bool,
}

impl Style {
    pub fn new(choice: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && terminal,
        };
        // `colored` has one global switch; this type decides per stream, so the switch stays on.
        colored::control::set_override(true);
        Self { stdout: decide(std::io::stdout().is_terminal()), stderr: decide(std::io::stderr().is_terminal()) }
    }

    pub fn plain() -> Self {
        Self { stdout: false, stderr: false }
    }

    /// Text for stdout in a role.
    pub fn out(&self, role: Role, text: &str) -> String {
        paint(self.stdout, role, text)
    }

    /// Text for stderr in a role.
    pub fn err(&self, role: Role, text: &str) -> String {
        paint(self.stderr, role, text)
    }
}

fn paint(enabled: bool, role: Role, text: &str) -> String {
    if !enabled {
        return text.to_owned();
    }
    let painted: ColoredString = match role {
        Role::Name => text.cyan(),
        Role::Ok => text.green(),
        Role::Fail => text.red().bold(),
        Role::Warn => text.yellow(),
        Role::Dim => text.dimmed(),
        Role::Heading => text.bold(),
    };
    painted.to_string()
}
