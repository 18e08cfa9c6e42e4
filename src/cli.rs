//! The command line, as clap derives it. Doc comments are the help text, the man page and the completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::complete;
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
    #[arg(long, global = true, value_name = "NAME", env = "HOOKCTL_PROFILE", add = complete::profiles())]
    pub profile: Option<String>,

    /// The event store: a SQLite file, or a PostgreSQL database (postgres://USER@HOST/DB) a team shares
    /// [default: the user data dir's hookctl/events.db]
    #[arg(long, global = true, value_name = "PATH", env = "HOOKCTL_STORE", value_parser = maybe_empty_path)]
    pub store: Option<PathBuf>,
}

/// A path that may be empty: `HOOKCTL_STORE=` (set but empty, as shells and CI templates leave it) means
/// unset, not an error.
fn maybe_empty_path(text: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(text))
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
    /// Receive webhooks locally: verify, validate, store and print each one, answer as the provider would
    Listen(ListenArgs),
    /// The stored events: list, show, export, import, delete
    #[command(subcommand)]
    Events(EventsCommand),
    /// Send stored, exported or fixture events to a URL, re-signed, at speed, with a report
    Replay(ReplayArgs),
    /// Probe a webhook endpoint you own with signed and mis-signed deliveries and print a scorecard
    Audit(AuditArgs),
    /// Test key pairs for providers that sign with a private key (Discord, SendGrid, Standard Webhooks v1a)
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Serve the inspector on the stored events: browse, search, diff, replay (`listen` serves it too)
    Ui(UiArgs),
    /// Per-person tokens for an inspector served off loopback (a team inbox): create, list, revoke
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Print the script that makes a shell complete hookctl (providers, events, profiles, stored ids)
    Completions(CompletionsArgs),
    /// Print the man page of hookctl or of one command (roff), or write them all to a folder
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a test key pair: the private key goes where sign, send, replay and audit find it, the public key is
    /// printed in the form your app configures
    #[command(after_help = "Examples:\n  \
        hookctl keys generate discord\n  \
        DISCORD_PUBLIC_KEY=$(hookctl keys generate discord --force) npm start\n  \
        hookctl keys generate sendgrid --out ./sendgrid-test.pem")]
    Generate(KeysGenerateArgs),
}

#[derive(Debug, Args)]
pub struct KeysGenerateArgs {
    /// The provider whose scheme the key pair is for (one that signs with a private key)
    #[arg(add = complete::providers())]
    pub provider: String,

    /// Write the private key to this file [default: hookctl's keys folder in the user data dir, which the secret
    /// sources read after HOOKCTL_SECRET]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Replace the key file when it exists (its old key pair stops working)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProvidersArgs {
    /// The provider to show
    #[arg(add = complete::providers(), conflicts_with = "search")]
    pub name: Option<String>,
    /// List only the providers whose name, title, description, category or event names contain TEXT
    /// (case-insensitive; several words must all match)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    #[command(subcommand)]
    pub command: Option<ProvidersCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// Write a provider folder from an OpenAPI document's webhooks (3.1 `webhooks`, 3.0 `callbacks`): an event,
    /// a schema and a fixture per webhook; the signing scheme comes from a built-in provider or a folder
    #[command(after_help = "Examples:\n  \
        hookctl providers import api.github.com.json --scheme github --examples ./examples -o ./github\n  \
        hookctl providers import openapi.yaml --name acme --from-provider ./payvost-like")]
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The OpenAPI document (JSON or YAML)
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// The provider's name [default: the scheme provider's]
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// The built-in provider whose scheme, headers, envelope and delivery the import takes
    #[arg(long, value_name = "BUILTIN", conflicts_with = "from_provider", required_unless_present = "from_provider", add = complete::providers())]
    pub scheme: Option<String>,
    /// A provider folder whose scheme, headers, envelope and delivery the import takes
    #[arg(long, value_name = "DIR")]
    pub from_provider: Option<PathBuf>,
    /// A folder of example payloads, EVENT.json each, preferred to the document's own examples
    #[arg(long, value_name = "DIR")]
    pub examples: Option<PathBuf>,
    /// Where to write the provider folder [default: ./NAME]
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FixturesArgs {
    /// List this provider's events
    #[arg(add = complete::providers())]
    pub provider: Option<String>,
    /// Print this event's fixture, rendered: EVENT or EVENT:VARIANT
    #[arg(add = complete::events())]
    pub event: Option<String>,
    /// Print the fixture as indented JSON for reading, not the exact bytes the provider sends
    #[arg(long)]
    pub pretty: bool,
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
    #[arg(add = complete::providers())]
    pub provider: String,

    /// The body to sign, byte for byte; - reads stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Sign this event's fixture (printed after the headers): EVENT or EVENT:VARIANT. With a FILE, it only
    /// names the body's event type, for headers such as X-GitHub-Event
    #[arg(long, value_name = "EVENT", add = complete::events())]
    pub event: Option<String>,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// The message id for schemes that sign one [default: a fresh id in the provider's format]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// The URL the request is delivered to, for schemes that sign it (Square, Twilio, HubSpot)
    #[arg(long, value_name = "URL", value_parser = absolute_url)]
    pub url: Option<String>,

    /// The body's Content-Type [default: form-encoded for a form body of a provider that sends forms (Slack's
    /// slash commands), else the provider's]
    #[arg(long, value_name = "TYPE", value_parser = header_value)]
    pub content_type: Option<String>,
}

/// Where the signing secret and credentials come from, in order: these flags, the selected config profile,
/// the provider's environment variables, HOOKCTL_SECRET, a hidden prompt on a terminal.
#[derive(Debug, Args, Default)]
pub struct KeyArgs {
    /// The signing secret (visible in the process list: prefer --secret-file or the provider's env var);
    /// repeat it for a rotation: verify accepts any, and a scheme carrying several signatures signs with each
    #[arg(long, value_name = "SECRET")]
    pub secret: Vec<String>,

    /// Read the signing secret from a file; several lines are several secrets (a rotation)
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
    hookctl send stripe charge.refunded --profile staging --dry-run\n  \
    hookctl send slack handshake --to 3000")]
pub struct SendArgs {
    /// The provider to simulate [default: chosen interactively on a terminal]
    #[arg(add = complete::providers())]
    pub provider: Option<String>,

    /// EVENT, EVENT:VARIANT, a glob over the catalog ('payment.*'), or a SCENARIO of the provider's (its steps in
    /// order, sharing their named values) [default: chosen interactively]; `handshake` sends the provider's
    /// handshake (Slack's url_verification, Zoom's endpoint.url_validation, Discord's PING, Twitch's
    /// webhook_callback_verification, Dropbox's GET ?challenge=, Asana's X-Hook-Secret) and checks your app's answer
    #[arg(add = complete::events())]
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

    /// The body's Content-Type [default: form-encoded for a form --body or fixture of a provider that sends
    /// forms (Slack's slash commands), else the provider's]
    #[arg(long, value_name = "TYPE", value_parser = header_value)]
    pub content_type: Option<String>,

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
#[command(after_help = "Each probe is a real signed (or deliberately mis-signed) delivery. Only loopback or the \
    profile's host is probed unless --yes; at most 200 requests are sent. Exit 0 when no probe failed, 4 when one \
    did.\n\nExamples:\n  \
    hookctl audit payvost --to 3000\n  \
    hookctl audit stripe --to localhost:4242/webhook --event charge.refunded --junit audit.xml\n  \
    hookctl audit payvost --to 3000 --side-effect-url http://localhost:3000/processed --json\n  \
    hookctl audit payvost --to 3000 --dry-run")]
pub struct AuditArgs {
    /// The provider whose deliveries the endpoint receives
    #[arg(add = complete::providers())]
    pub provider: String,

    /// The endpoint: a URL, host:port, a port (3000 → http://127.0.0.1:3000 + the provider's route) or a path
    /// [default: the profile's URL + the provider's route]
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,

    /// The events to deliver in the probes: EVENT, EVENT:VARIANT or a glob ('payment.*'), repeatable [default: the
    /// first of the catalog]
    #[arg(long, value_name = "EVENT", add = complete::events())]
    pub event: Vec<String>,

    /// The answer deadline [default: the provider's documented one, else 10s]
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<humantime::Duration>,

    /// An endpoint of your app that answers how many deliveries it processed (a number, {"count": N} or a list
    /// of ids): the replay probe then checks a redelivery was handled once
    #[arg(long, value_name = "URL")]
    pub side_effect_url: Option<String>,

    /// Valid deliveries in flight at once in the burst probe
    #[arg(long, value_name = "C", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: u32,

    /// Write the scorecard as a JUnit XML report (one test case per probe) for CI systems
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// List the probes and the requests each would send; send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Probe a host that is neither loopback nor the selected profile's
    #[arg(long)]
    pub yes: bool,

    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "A capture is raw HTTP/1.1 text (request line, headers, blank line, body), a HAR file, \
    hookctl's request JSON (`sign --json`, `events export`), or tcpdump -X (exact) or -A (text) output. Of a capture \
    with many requests, those that look like a webhook are verified.\n\nExamples:\n  \
    hookctl verify disputed.http\n  \
    hookctl verify export.har --entry 3 --provider stripe\n  \
    pbpaste | hookctl verify - --at 2024-12-26T10:31:00Z\n  \
    hookctl verify --body body.json -H 'Payvost-Signature: 3f1c…' --provider payvost")]
pub struct VerifyArgs {
    /// The captured request; - reads stdin
    #[arg(value_name = "CAPTURE")]
    pub capture: Option<PathBuf>,

    /// The provider whose scheme applies [default: detected from the headers and route]
    #[arg(long, value_name = "NAME", add = complete::providers())]
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

    /// Verify a stored event (the `#N` listen prints)
    #[arg(long, value_name = "ID", conflicts_with_all = ["capture", "body"], add = complete::stored_ids())]
    pub event: Option<i64>,

    /// Verify only this entry of a HAR file or record of a JSON lines file (1-based)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub entry: Option<u32>,

    /// Judge the timestamp as of this time (unix seconds or RFC 3339) [default: now]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// The URL the provider delivered to, for schemes that sign it (Square, Twilio, HubSpot) [default: the
    /// request's Host header and path]
    #[arg(long, value_name = "URL", value_parser = absolute_url)]
    pub url: Option<String>,

    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hookctl listen\n  \
    hookctl listen --port 0 --json > events.ndjson\n  \
    hookctl listen --forward-to localhost:3000 --events 'payment.*'\n  \
    hookctl listen --secret payvost=whsec_… --reject-invalid")]
pub struct ListenArgs {
    /// The port to listen on; 0 picks a free one
    #[arg(long, short, default_value_t = 8787)]
    pub port: u16,

    /// The address to bind (a non-loopback address exposes the listener to the network)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// A provider's signing secret: PROVIDER=SECRET (repeatable, also for one provider's rotation; prefer the
    /// provider's env var)
    #[arg(long = "secret", value_name = "PROVIDER=SECRET")]
    pub secrets: Vec<String>,

    /// Store credential headers (Authorization) as received instead of redacted
    #[arg(long)]
    pub keep_credentials: bool,

    /// Answer every delivery with this status, to simulate a failing endpoint
    #[arg(long, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..=599))]
    pub respond: Option<u16>,

    /// Answer this share of deliveries (0 to 1) with 500
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = fraction)]
    pub fail_rate: f64,

    /// Answer a delivery whose signature fails with 401, as a strict receiver would (with --forward-to, instead
    /// of forwarding it)
    #[arg(long)]
    pub reject_invalid: bool,

    /// Forward each delivery to your app and relay its answer
    ///
    /// The body's bytes and every end-to-end header's value go out unchanged and in order, so signatures
    /// verify. What the hop changes: header names are sent in lower case, Host and Content-Length are set for
    /// the new hop, hop-by-hop headers (Connection and those it names, Keep-Alive, TE, Trailer,
    /// Transfer-Encoding, Upgrade, Proxy-*) are dropped, and `accept: */*` is added to a request that has no
    /// Accept header.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// Print each delivery's headers and pretty-printed body too
    #[arg(long, short)]
    pub verbose: bool,

    /// Forward (with --forward-to) and print only events whose type matches this glob ('payment.*'); the others
    /// are still stored and answered as their provider expects, and shown dimmed with --verbose
    #[arg(long, value_name = "GLOB")]
    pub events: Option<String>,

    /// How long a sender may take over its headers (then the connection is closed) and its body (then it gets 408),
    /// counted from when the connection is accepted. On Linux a connection that sends nothing is accepted only once
    /// it does, or after about this long (the kernel's retries round it up), so one that stays silent is closed after
    /// about twice this long
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub read_timeout: humantime::Duration,

    /// The largest body accepted; bigger ones get 413
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = byte_size)]
    pub max_body: usize,

    /// The memory all bodies being received may hold together; a body that does not fit gets 503 with
    /// Retry-After (an eighth is kept for bodies up to 256 KiB, so usual deliveries still get in)
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = byte_size)]
    pub max_memory: usize,

    /// The most connections open at once (fewer if the open-file limit is lower); at the limit, the
    /// connection idle the longest is closed to make room for a new one, and a new one that sends nothing
    /// within 10 ms is closed
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,

    /// Serve the inspector (a web page of the events, live) at this address: PORT, HOST:PORT, or 0 for a free
    /// port [default: 127.0.0.1:4747, skipped with a note when that port is taken]. A non-loopback address
    /// requires the token printed at start
    #[arg(long, value_name = "ADDR", conflicts_with = "no_ui")]
    pub ui: Option<String>,

    /// Do not serve the inspector
    #[arg(long)]
    pub no_ui: bool,

    /// Delete stored events older than this (7d, 12h), at start and every minute
    #[arg(long, value_name = "DURATION")]
    pub retain: Option<humantime::Duration>,

    /// Subscribe to a shared inbox instead of receiving: forward every event its inspector (this URL) has
    /// stored since this machine's last one, then each new one, to --forward-to, exactly as received, in order
    #[arg(long, value_name = "URL", requires = "forward_to")]
    pub from: Option<String>,

    /// With --from: forward the events stored after this id, instead of after the last one this machine forwarded
    #[arg(long, value_name = "ID", requires = "from")]
    pub since: Option<i64>,

    /// With --from: forward only this provider's events (the others are passed over)
    #[arg(long, value_name = "NAME", requires = "from")]
    pub provider: Option<String>,

    /// With --from: sign each event again with this machine's secret for its provider (the providers' env vars,
    /// --secret, the profile) and a fresh timestamp, instead of forwarding the inbox's signature as it came
    #[arg(long, requires = "from")]
    pub resign: bool,

    /// With --from: a token for the inbox's inspector (a person's, from `hookctl tokens create NAME` there)
    #[arg(long, value_name = "TOKEN", env = "HOOKCTL_TOKEN", hide_env_values = true, requires = "from")]
    pub token: Option<String>,

    /// With --from: trust this PEM certificate (an inbox's own or its CA's) besides the system's roots, for an
    /// https inbox whose certificate no public CA issued
    #[arg(long, value_name = "FILE", requires = "from")]
    pub cacert: Option<PathBuf>,

    #[command(flatten)]
    pub tls: TlsArgs,
}

/// Serving over HTTPS without a proxy in front.
#[derive(Debug, Args)]
pub struct TlsArgs {
    /// Serve HTTPS with this PEM certificate chain, leaf first (for listen: the receiving port and the inspector)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hookctl ui\n  \
    hookctl ui --store events.db --ui 0")]
pub struct UiArgs {
    /// The address to serve the inspector at: PORT, HOST:PORT, or 0 for a free port [default: 127.0.0.1:4747].
    /// A non-loopback address requires the token printed at start
    #[arg(long, value_name = "ADDR")]
    pub ui: Option<String>,

    #[command(flatten)]
    pub tls: TlsArgs,
}

fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if (0.0..=1.0).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

/// `10MiB`, `512KiB`, `1000000`, `5MB`.
fn byte_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: usize = number.parse().map_err(|_| format!("`{text}` is not a size like 10MiB"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1024,
        "m" | "mb" => 1000 * 1000,
        "mib" => 1024 * 1024,
        "g" | "gb" => 1000 * 1000 * 1000,
        "gib" => 1024 * 1024 * 1024,
        other => return Err(format!("`{other}` is not a size unit (B, KiB, MiB, GiB, KB, MB, GB)")),
    };
    number.checked_mul(factor).filter(|n| *n > 0).ok_or_else(|| format!("`{text}` is not a usable size"))
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Make a person's token for the inspector and its API: printed once, only its SHA-256 is stored
    Create {
        /// Whose token (letters, digits, `.`, `_`, `-`, `@`)
        name: String,
    },
    /// List the tokens by name, with when each was made (never the tokens)
    List,
    /// Revoke a person's token: the inspector refuses it from the next request on
    Revoke {
        /// Whose token
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List stored events, oldest first
    List(EventsSelection),
    /// Show one event; --raw prints the exact HTTP request (which `hookctl verify -` reads back)
    Show {
        /// The event's id (the `#N` listen prints) or the provider's event id (`evt_…`, a GitHub delivery id)
        #[arg(add = complete::stored_ids())]
        id: String,
        /// Print the request as raw HTTP/1.1
        #[arg(long)]
        raw: bool,
    },
    /// Export events as JSON lines (hookctl's request JSON) or HAR
    Export {
        #[command(flatten)]
        selection: EventsSelection,
        /// The format to write
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import requests from a JSON lines export, a HAR file, a raw HTTP capture or tcpdump -X/-A output
    Import {
        /// The file to import; - reads stdin
        file: PathBuf,
        /// Keep every entry, also those that look like no provider's webhook (a browser HAR's pages and scripts)
        #[arg(long)]
        all_entries: bool,
        /// Store credential headers (Authorization, Cookie, …) as recorded instead of redacted
        #[arg(long)]
        keep_credentials: bool,
    },
    /// Delete events by id, or all of them
    Delete {
        /// The ids to delete
        #[arg(required_unless_present = "all", conflicts_with = "all", add = complete::stored_ids())]
        ids: Vec<i64>,
        /// Delete every stored event (on a terminal, after asking)
        #[arg(long)]
        all: bool,
        /// Do not ask before deleting every event; needed with --all when not on a terminal
        #[arg(long, short, requires = "all")]
        yes: bool,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hookctl replay --last 50 --to 3000\n  \
    hookctl replay 12 13 14 --to https://staging.example.com --yes\n  \
    hookctl replay --provider payvost --type 'payment.*' --profile staging\n  \
    hookctl replay --from day.har --verbatim --to localhost:3000\n  \
    hookctl replay --fixtures 'verifynow/verification.*' --to 8000 --retry --time-scale 60")]
pub struct ReplayArgs {
    /// Stored events: the `#N` listen prints, or the provider's event id (`evt_…`, a GitHub delivery id; of an
    /// event stored several times, its latest copy) [default: the selection below]
    #[arg(add = complete::stored_ids())]
    pub ids: Vec<String>,

    #[command(flatten)]
    pub selection: EventsSelection,

    /// Only events whose signature did not verify when received
    #[arg(long, conflicts_with = "valid")]
    pub invalid: bool,

    /// Only events whose signature verified when received
    #[arg(long)]
    pub valid: bool,

    /// Replay the requests in this file (an `events export`, a HAR file or a raw HTTP capture) instead of the store
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fixtures", "ids"])]
    pub from: Option<PathBuf>,

    /// Replay every fixture of a provider, or those matching PROVIDER/GLOB ('payvost/payment.*')
    #[arg(long, value_name = "PROVIDER[/GLOB]", conflicts_with_all = ["ids", "verbatim"], add = complete::provider_folders())]
    pub fixtures: Option<String>,

    /// Where to send: a URL, host:port or a port; each provider's route is appended to a bare base
    /// [default: the profile's URL]
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,

    /// Send the captured bytes and headers exactly, without re-signing
    #[arg(long)]
    pub verbatim: bool,

    /// Deliveries in flight at once. With more than 1 a later event may arrive before an earlier one (see
    /// --keep-order); the default delivers one at a time, in the stored order
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,

    /// With --concurrency: still deliver events with the same provider event id one after another, in order
    #[arg(long, conflicts_with = "shuffle")]
    pub keep_order: bool,

    /// Start at most R deliveries per second
    #[arg(long, value_name = "R", value_parser = positive_f64)]
    pub rate: Option<f64>,

    /// Retry failed deliveries on each provider's documented schedule
    #[arg(long)]
    pub retry: bool,

    /// Divide every retry wait by N
    #[arg(long, value_name = "N", default_value_t = 1.0, value_parser = positive_f64)]
    pub time_scale: f64,

    /// How long to wait for each answer [default: each provider's documented deadline, else 10s]
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<humantime::Duration>,

    /// Deliver in random order
    #[arg(long)]
    pub shuffle: bool,

    /// Write a JSON line per delivery (source, event, event id, every attempt, outcome) as each one ends, then
    /// the summary; an interrupted run leaves the deliveries it made
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Replay the stored events whose delivery in this --report file did not get a 2xx
    #[arg(long, value_name = "REPORT", conflicts_with_all = ["from", "fixtures", "ids"])]
    pub failed_from: Option<PathBuf>,

    /// Do not ask before sending more than 20 events to a host that is not this machine
    #[arg(long, short)]
    pub yes: bool,

    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Har,
}

/// Which stored events a command works on.
#[derive(Debug, Args, Default)]
pub struct EventsSelection {
    /// Only the newest N
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    /// Only this provider's
    #[arg(long = "provider", value_name = "NAME", add = complete::providers())]
    pub provider: Option<String>,
    /// Only event types matching this glob ('payment.*')
    #[arg(long = "type", value_name = "GLOB")]
    pub event_type: Option<String>,
    /// Only events received since this time (RFC 3339, unix seconds, or a duration ago such as 1h)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

/// One line of header text: a value reqwest will send.
/// An absolute http(s) URL, as a provider signs it (kept as written: its bytes are what is signed).
fn absolute_url(text: &str) -> Result<String, String> {
    match reqwest::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(text.to_owned()),
        _ => Err(format!("`{text}` is not an absolute http(s) URL such as https://example.com/webhooks")),
    }
}

fn header_value(text: &str) -> Result<String, String> {
    reqwest::header::HeaderValue::from_str(text)
        .map(|_| text.to_owned())
        .map_err(|_| "a header value is one line of text, without control characters".into())
}

fn positive_f64(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    hookctl man send | man -l -\n  \
    hookctl man events list\n  \
    hookctl man --out ~/.local/share/man/man1")]
pub struct ManArgs {
    /// The command whose page to print (`send`, `events list`) [default: hookctl's own page]
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    pub command: Vec<String>,

    /// Write every page (hookctl.1, hookctl-send.1, …) into this folder instead
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
