//! The command line, as clap derives it. Doc comments are the help text, the man page and the completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::fixture::Assignment;
use crate::output::ColorChoice;

/// Sign, send, verify, receive and replay webhooks exactly as the providers do.
///
/// Every provider (its signing scheme, headers, events and their schemas, retry schedule and expected answer)
/// is data: `hookctl providers` lists them, `--providers DIR` adds your own.
#[derive(Debug, Parser)]
#[command(name = "hookctl", version, max_term_width = 100, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// When to colour output: auto honours NO_COLOR and whether the stream is a terminal
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print JSON on stdout (one object per result) instead of text
    #[arg(long, global = true)]
    pub json: bool,

    /// A folder of provider folders (or one provider folder) that add or override providers by name
    #[arg(long = "providers", global = true, value_name = "DIR", env = "HOOKCTL_PROVIDERS")]
    pub providers: Vec<PathBuf>,

    /// The config file [default: ./hookctl.toml, then the user config dir's hookctl/hookctl.toml]
    #[arg(long, global = true, value_name = "FILE", env = "HOOKCTL_CONFIG")]
    pub config: Option<PathBuf>,

    /// A profile of the config file: its base URL and secret sources
    #[arg(long, global = true, value_name = "NAME", env = "HOOKCTL_PROFILE")]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the providers, or show one: scheme, headers, routes, retry schedule, events
    Providers(ProvidersArgs),
    /// List fixtures, or print one rendered with fresh ids and timestamps
    Fixtures(FixturesArgs),
    /// Print the headers a provider would send for a body (for curl and tests)
    Sign(SignArgs),
    /// Render a fixture, sign it as the provider does and POST it to your app
    Send(SendArgs),
    /// Verify a captured request and explain why its signature fails
    Verify(VerifyArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// The provider to show
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct FixturesArgs {
    /// List this provider's events
    pub provider: Option<String>,
    /// Print this event's fixture, rendered: EVENT or EVENT:VARIANT
    pub event: Option<String>,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Override a field of the rendered fixture: path=value keeps the field's type, path:=json takes JSON;
    /// the path must exist (data.amount, data.items.0.id)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Assignment>,

    /// The time to render and sign at: unix seconds or RFC 3339 [default: now]
    #[arg(long, value_name = "TIME")]
    pub timestamp: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hookctl sign payvost --event payment.succeeded\n  \
    hookctl sign github body.json --secret-file ./github.secret\n  \
    hookctl sign stripe - --json < captured-body.json")]
pub struct SignArgs {
    /// The provider whose scheme signs the body
    pub provider: String,

    /// The body to sign, byte for byte; - reads stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Sign this event's fixture (printed after the headers): EVENT or EVENT:VARIANT. With a FILE, it only
    /// names the body's event type, for headers such as X-GitHub-Event
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// The message id for schemes that sign one [default: a fresh id in the provider's format]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
}

/// Where the signing secret and credentials come from, in order: these flags, the provider's environment
/// variables, HOOKCTL_SECRET, the config profile, a hidden prompt on a terminal.
#[derive(Debug, Args, Default)]
pub struct KeyArgs {
    /// The signing secret (visible in the process list: prefer --secret-file or the provider's env var)
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,

    /// Read the signing secret from a file (one final line break is ignored)
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// The API key for providers that send one beside the signature (VerifyNow's `Authorization: api-key …`)
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hookctl send payvost payment.succeeded --to 3000\n  \
    hookctl send verifynow verification.failed:underage --to 8000 --retry --time-scale 60\n  \
    hookctl send payvost 'payment.*' --to 3000 --shuffle\n  \
    hookctl send payqi payment.completed --to 5000 --repeat 1000 --concurrency 32\n  \
    hookctl send stripe charge.refunded --profile staging --dry-run")]
pub struct SendArgs {
    /// The provider to simulate [default: chosen interactively on a terminal]
    pub provider: Option<String>,

    /// EVENT, EVENT:VARIANT, or a glob over the catalog ('payment.*') [default: chosen interactively]
    pub event: Option<String>,

    /// Where to POST: a URL, host:port, a port (3000 → http://127.0.0.1:3000 + the provider's route) or a path
    /// [default: the profile's URL + the provider's route]
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,

    #[command(flatten)]
    pub render: RenderArgs,

    /// Send this payload instead of a fixture, still signed; - reads stdin
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,

    /// Add or replace a header after signing: -H 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// The message id for schemes that sign one [default: fresh per delivery]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// How long to wait for an answer [default: the provider's documented deadline, else 10s]
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<humantime::Duration>,

    /// Print the exact request and an equivalent curl command; send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// On a non-2xx answer or no answer, retry on the provider's documented schedule, re-signing each attempt
    #[arg(long)]
    pub retry: bool,

    /// Divide every retry wait by N (--time-scale 60 turns minutes into seconds)
    #[arg(long, value_name = "N", default_value_t = 1.0, value_parser = positive_f64)]
    pub time_scale: f64,

    /// Send each event N times, each with fresh ids
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,

    /// Deliveries in flight at once
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,

    /// Deliver each event N times with the same event id and body, as a provider's duplicate delivery does
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub duplicate: u32,

    /// Deliver in random order
    #[arg(long)]
    pub shuffle: bool,

    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "A capture is raw HTTP/1.1 text (request line, headers, blank line, body), a HAR file, or \
    hookctl's request JSON (`sign --json`, `events export`).\n\nExamples:\n  \
    hookctl verify disputed.http\n  \
    hookctl verify export.har --entry 3 --provider stripe\n  \
    pbpaste | hookctl verify - --at 2024-12-26T10:31:00Z\n  \
    hookctl verify --body body.json -H 'Payvost-Signature: 3f1c…' --provider payvost")]
pub struct VerifyArgs {
    /// The captured request; - reads stdin
    #[arg(value_name = "CAPTURE")]
    pub capture: Option<PathBuf>,

    /// The provider whose scheme applies [default: detected from the headers and route]
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,

    /// Verify these body bytes (with -H) instead of a capture
    #[arg(long, value_name = "FILE", conflicts_with = "capture")]
    pub body: Option<PathBuf>,

    /// A header of the request, with --body: -H 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", requires = "body")]
    pub headers: Vec<String>,

    /// The request path, with --body, for provider detection
    #[arg(long, value_name = "PATH", requires = "body")]
    pub path: Option<String>,

    /// Verify only this entry of a HAR file or record of a JSON lines file (1-based)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub entry: Option<u32>,

    /// Judge the timestamp as of this time (unix seconds or RFC 3339) [default: now]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    #[command(flatten)]
    pub keys: KeyArgs,
}

fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
