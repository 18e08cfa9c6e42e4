//! `hookctl completions SHELL` and `hookctl man`: generated from the clap definition.

use std::path::Path;

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::{Error, ExitCode};

/// The registration script of dynamic completion: the shell asks the binary itself for candidates, so
/// provider, event, profile and stored-id values come from the catalog, config and store of the moment.
pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, Error> {
    let out = crate::complete::registration(args.shell)?;
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::Success)
}

pub fn man(args: &ManArgs) -> Result<ExitCode, Error> {
    let pages = pages();
    if let Some(dir) = &args.out {
        write_pages(dir, &pages)?;
        eprintln!("hookctl: wrote {} man pages to {}", pages.len(), dir.display());
        return Ok(ExitCode::Success);
    }
    let wanted =
        if args.command.is_empty() { "hookctl.1".to_owned() } else { format!("hookctl-{}.1", args.command.join("-")) };
    let Some((_, page)) = pages.iter().find(|(name, _)| *name == wanted) else {
        let commands: Vec<String> = pages
            .iter()
            .filter_map(|(n, _)| Some(n.strip_prefix("hookctl-")?.strip_suffix(".1")?.replace('-', " ")))
            .collect();
        let asked = args.command.join(" ");
        let hint = match crate::suggest::closest(&asked, commands.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the pages are {}", commands.join(", ")),
        };
        return Err(Error::usage(format!("no man page for `{asked}`"), Some(hint)));
    };
    crate::output::print(&String::from_utf8_lossy(page))?;
    Ok(ExitCode::Success)
}

/// Every page, `hookctl.1` first: one per command and subcommand (`hookctl-events-list.1`), named as the
/// SUBCOMMANDS sections of their parents refer to them.
pub fn pages() -> Vec<(String, Vec<u8>)> {
    // `help` is clap's, not a command with a page of its own.
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut pages = Vec::new();
    collect(&root, &mut pages);
    pages
}

fn collect(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
    // The footer names the program, not the subcommand ("hookctl 0.1.0", not "list 0.1.0").
    let man = clap_mangen::Man::new(command.clone()).source(concat!("hookctl ", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let _ = man.render(&mut out);
    pages.push((man.get_filename(), out));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages);
    }
}

fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_owned(), source })?;
    for (name, page) in pages {
        let path = dir.join(name);
        std::fs::write(&path, page).map_err(|source| Error::Write { path, source })?;
    }
    Ok(())
}
