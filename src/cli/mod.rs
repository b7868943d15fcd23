//! The command line: `list`, `show`, `create`, `update`, `delete`, `invoke`, `sandbox`.
//!
//! Results go to stdout (`--json` for scripts), messages and errors to stderr.
//! Exit codes: 0 done, 1 failed (also an answer that is not GraphQL JSON), 2 bad
//! usage, 3 the portal answered with errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::secrets::TokenStore;
use crate::text::{sanitize, to_json_pretty};
use session::Session;

mod audit;
mod auth;
mod check_complexity;
mod check_dir;
mod completions;
mod doctor;
mod history;
mod invoke;
mod plan;
mod portals;
mod prompt;
mod pull;
mod push;
mod rotate;
mod sandbox;
mod schema;
mod session;
mod stream;
mod token;

const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_PORTAL_ERRORS: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "bkportals",
    version,
    about = "Manage Buildkite portals: list, show, create, update, delete and invoke them",
    long_about = "Manage Buildkite portals. Without a command, opens the interactive app \
(browse and filter portals, read every field); with one, runs it for scripts.",
    after_help = "Settings come from flags, then the environment (BUILDKITE_API_TOKEN, \
BUILDKITE_ORGANIZATION_SLUG, BUILDKITE_REST_API_ENDPOINT, BUILDKITE_GRAPHQL_ENDPOINT, \
BUILDKITE_PORTAL_ENDPOINT), then ~/.config/bkportals/config.toml.\n\
Try it without an account: bkportals --demo list\n\
Exit codes: 0 done, 1 failed (also an answer that is not GraphQL JSON), 2 bad usage, \
3 the portal answered with errors."
)]
pub struct Cli {
    /// Run against an embedded Buildkite sandbox (no account needed)
    #[arg(long, global = true)]
    demo: bool,
    /// Organization slug [default: $BUILDKITE_ORGANIZATION_SLUG, or the config's default_profile]
    #[arg(long, global = true, value_name = "SLUG")]
    org: Option<String>,
    /// Print machine-readable JSON
    #[arg(long, global = true)]
    json: bool,
    /// With no command: show how the selected portal differs from its files in DIR (see `pull`)
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List every portal of the organization (all pages)
    List,
    /// Show every field of one portal
    Show { slug: String },
    /// Create a portal; prints its token once and stores it
    Create(CreateArgs),
    /// Change a portal; only the fields that differ are sent
    Update(UpdateArgs),
    /// Delete a portal (asks to type its slug, unless --yes)
    Delete {
        slug: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Run a portal's document and print the response
    Invoke(InvokeArgs),
    /// The organization's API token: sign in (checked, then stored), status, sign out
    Auth {
        #[command(subcommand)]
        action: AuthAction,
    },
    /// The portal's recorded runs (app and command line): time, operation,
    /// variables, token kind, status, duration; --json adds each answer's start
    History { slug: String },
    /// Short-lived portal tokens: sign in as yourself, or use a portal secret
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Check GraphQL files against the organization's schema (or --schema FILE)
    /// and the lint rules; prints FILE:LINE:COL: error|warning: message and exits 1
    /// on any error. A portals directory (see `pull`) also gets the portal rules
    Check {
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// Validate against this SDL file instead of the cached schema
        #[arg(long, value_name = "FILE.graphql")]
        schema: Option<PathBuf>,
    },
    /// The organization's GraphQL schema, cached per endpoint
    Schema {
        #[command(subcommand)]
        action: SchemaAction,
    },
    /// Every portal's inventory (operations, mutation?, IP restricted?, user-invokable,
    /// created by/at, validates?) and the policies it breaks; exit 1 when one fails
    Audit {
        /// Fail (exit 1) on warnings too, such as a mutation open to any address
        #[arg(long)]
        strict: bool,
    },
    /// Check config, token store, file permissions, endpoints and token scopes
    Doctor,
    /// Run the Buildkite sandbox and print the shell lines that point bkportals at it
    Sandbox(SandboxArgs),
    /// Write every portal into DIR as SLUG.graphql + SLUG.toml, and bkportals.lock
    /// recording how each looked on Buildkite (never a token)
    Pull {
        dir: PathBuf,
        /// Take Buildkite's versions over files changed here since the last pull
        #[arg(long)]
        force: bool,
    },
    /// What `push DIR` would do: create, update, rename, delete, drift, blast radius;
    /// exits 0 with no changes, 2 with changes, 1 on an error
    Plan {
        dir: PathBuf,
        /// Plan deletes of portals the lock says DIR manages and DIR no longer has
        #[arg(long)]
        allow_delete: bool,
    },
    /// Show the plan for DIR and apply it after a yes
    Push(PushArgs),
    /// Rotate a portal's long-lived token: guided through its Security page (the new
    /// token pasted or on stdin, checked, stored), or with --recreate through the API
    Rotate {
        /// The portal whose token to rotate, by its slug (as `bkportals list` shows it)
        slug: String,
        /// Create a copy, delete the portal, rename the copy back (new UUID, secrets
        /// gone); for a compromised portal
        #[arg(long)]
        recreate: bool,
        /// With --recreate: do not ask to type the slug
        #[arg(long, requires = "recreate")]
        yes: bool,
    },
    /// Print a shell completion script (portal slugs come from the last `list`),
    /// e.g. `bkportals completions bash > ~/.local/share/bash-completion/completions/bkportals`
    Completions {
        #[arg(required_unless_present = "slugs")]
        shell: Option<completions::CompletionShell>,
        /// Print the last known portal slugs, one a line (the scripts call this)
        #[arg(long, hide = true, conflicts_with = "shell")]
        slugs: bool,
    },
}

#[derive(Args, Debug)]
struct PushArgs {
    dir: PathBuf,
    /// Do not ask for confirmation (CI)
    #[arg(long)]
    yes: bool,
    /// Overwrite portals that changed on Buildkite since the last pull
    #[arg(long)]
    force: bool,
    /// Delete portals the lock says DIR manages and DIR no longer has
    #[arg(long)]
    allow_delete: bool,
    /// Hand each new portal's token to this shell command on stdin (the slug in
    /// $BKPORTALS_PORTAL_SLUG) instead of the token store
    #[arg(long, value_name = "CMD")]
    token_command: Option<String>,
    /// Also print each new portal's token on stdout
    #[arg(long)]
    show_tokens: bool,
}

#[derive(Subcommand, Debug)]
enum SchemaAction {
    /// Print the SDL of the whole schema, a type (Build) or a field (Build.state)
    Show {
        #[arg(value_name = "TYPE[.FIELD]")]
        coordinate: Option<String>,
    },
    /// Fetch the schema again by introspection and cache it
    Refresh,
}

#[derive(Subcommand, Debug)]
enum AuthAction {
    /// Read an API access token (hidden prompt, or stdin), check it with
    /// Buildkite, and store it for the organization (--org)
    Login,
    /// Where the API token comes from, whose it is, and which scopes it lacks
    Status,
    /// Forget the API token stored for the organization
    Logout,
}

#[derive(Subcommand, Debug)]
enum TokenAction {
    /// Get a token that runs the portal with your own permissions (user-invokable
    /// portals): approve a code in the browser, then the token is stored
    Login {
        slug: String,
        /// Minutes the token lasts [Buildkite's default and most: 720]
        #[arg(long, value_name = "MIN")]
        expires_in: Option<u32>,
    },
    /// Get an ephemeral admin-level token from a portal secret (bkps_...)
    Ephemeral {
        slug: String,
        /// The environment variable that holds the portal secret
        #[arg(long, value_name = "NAME")]
        secret_env: String,
        /// The portal's UUID [default: looked up with the API token]
        #[arg(long, value_name = "UUID")]
        client_id: Option<String>,
        /// Minutes the token lasts [at most 60]
        #[arg(long, value_name = "MIN")]
        expires_in: Option<u32>,
    },
    /// Store a portal's existing long-lived token (made in the web UI): read
    /// without echo (or from stdin), checked with the portal, then stored
    Add { slug: String },
    /// List stored portal tokens: kind and expiry, never the value
    List,
    /// Forget every stored token of a portal
    Forget { slug: String },
}

#[derive(Args, Debug)]
struct CreateArgs {
    /// Name of the portal
    #[arg(long)]
    name: String,
    /// File holding the GraphQL document (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    query_file: PathBuf,
    /// Slug used in URLs [default: made from the name]
    #[arg(long)]
    slug: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// Space-separated CIDR blocks allowed to invoke the portal, e.g. "192.0.2.0/24 198.51.100.7/32"
    #[arg(long, value_name = "CIDRS")]
    allowed_ips: Option<String>,
    /// Let users invoke the portal with their own permissions
    #[arg(long)]
    user_invokable: bool,
    /// Send the document even if it does not validate against the schema
    #[arg(long)]
    no_validate: bool,
}

#[derive(Args, Debug)]
struct UpdateArgs {
    slug: String,
    #[arg(long)]
    name: Option<String>,
    /// Change the slug (the portal's URL changes too)
    #[arg(long, value_name = "SLUG")]
    new_slug: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// File holding the new GraphQL document (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    query_file: Option<PathBuf>,
    /// Space-separated CIDR blocks; "" allows any address
    #[arg(long, value_name = "CIDRS")]
    allowed_ips: Option<String>,
    #[arg(long, value_name = "BOOL")]
    user_invokable: Option<bool>,
    /// Send the document even if it does not validate against the schema
    #[arg(long)]
    no_validate: bool,
}

#[derive(Args, Debug)]
struct InvokeArgs {
    slug: String,
    /// A variable, typed by the portal's variable definitions (repeatable); lists and input objects as JSON
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A JSON object of variables (`-` for stdin); --var values override it
    #[arg(long, value_name = "FILE")]
    vars_file: Option<PathBuf>,
    /// The operation to run when the document holds several
    #[arg(long, value_name = "NAME")]
    operation: Option<String>,
    /// Read the portal token from this environment variable instead of the token store
    #[arg(long, value_name = "NAME")]
    token_env: Option<String>,
    /// Print the request as a curl command (token as $TOKEN) instead of sending it
    #[arg(long)]
    print_curl: bool,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
struct SandboxArgs {
    #[command(subcommand)]
    action: Option<SandboxAction>,
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Keep portals and builds in this file across restarts
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Add this many generated portals (a large organization)
    #[arg(long, default_value_t = 0, value_name = "N")]
    portals: usize,
    /// REST requests a minute for the organization
    #[arg(long, default_value_t = 200, value_name = "N")]
    rate_limit: u32,
    /// REST requests a minute for one user
    #[arg(long, default_value_t = 50, value_name = "N")]
    user_rate_limit: u32,
    /// Portal invocations a minute for the organization
    #[arg(long, default_value_t = 200, value_name = "N")]
    portal_rate_limit: u32,
    /// Inject faults, e.g. "latency=300,503=3,drop=5,truncate=7,garbage=9,429=2,slow=2000"
    #[arg(long, value_name = "SPEC")]
    faults: Option<String>,
}

#[derive(Subcommand, Debug)]
enum SandboxAction {
    /// Approve (or deny) a sign-in code on a running sandbox, as its web page would
    Approve {
        code: String,
        /// Approve as this user's email [default: the sandbox's administrator]
        #[arg(long = "as", value_name = "EMAIL")]
        user: Option<String>,
        /// Deny the code instead
        #[arg(long)]
        deny: bool,
        /// The sandbox [default: $BUILDKITE_PORTAL_ENDPOINT]
        #[arg(long, value_name = "URL", env = "BUILDKITE_PORTAL_ENDPOINT")]
        sandbox: Option<String>,
    },
    /// List a portal's long-lived tokens and secrets on a running sandbox (ids, first characters)
    Security {
        slug: String,
        #[command(flatten)]
        target: SandboxTarget,
    },
    /// Add a long-lived token to a portal (the Security page's "New token"); printed once
    NewToken {
        slug: String,
        #[command(flatten)]
        target: SandboxTarget,
    },
    /// Make a portal secret (at most two a portal); printed once
    Secret {
        slug: String,
        #[command(flatten)]
        target: SandboxTarget,
    },
    /// Remove a portal's long-lived token: its id, or 10 or more of its first characters
    RemoveToken {
        slug: String,
        #[arg(value_name = "TOKEN-ID-OR-PREFIX")]
        token: String,
        #[command(flatten)]
        target: SandboxTarget,
    },
    /// Remove a portal secret: its id, or 10 or more of its first characters
    RemoveSecret {
        slug: String,
        #[arg(value_name = "SECRET-ID-OR-PREFIX")]
        secret: String,
        #[command(flatten)]
        target: SandboxTarget,
    },
}

/// Which running sandbox an administrator's command talks to; it signs in
/// with $BUILDKITE_API_TOKEN (an administrator's, as the sandbox prints it).
#[derive(Args, Debug)]
struct SandboxTarget {
    /// The sandbox [default: $BUILDKITE_PORTAL_ENDPOINT]
    #[arg(long, value_name = "URL", env = "BUILDKITE_PORTAL_ENDPOINT")]
    sandbox: Option<String>,
}

/// A failure to report: the message, and the exit code.
struct Failure(String, u8);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string(), EXIT_FAILED)
    }
}

type Outcome = Result<u8, Failure>;

impl Cli {
    /// The command line. With no argument there is nothing to parse: the
    /// app, as clap would have it, without building clap's tree of every
    /// command (half a millisecond of each launch).
    fn from_arguments() -> Cli {
        if std::env::args_os().len() == 1 {
            Cli::the_app()
        } else {
            Cli::parse()
        }
    }

    fn the_app() -> Cli {
        Cli {
            demo: false,
            org: None,
            json: false,
            dir: None,
            command: None,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::from_arguments();
    quiet_on_closed_stdout();
    match cli.command {
        Some(Command::Sandbox(_)) => init_logging("info"),
        Some(_) => init_logging("warn"),
        // The app owns the terminal: log lines on stderr would tear the screen.
        // It stays open idle: freed memory should not stay in per-thread arenas.
        None => crate::tui::memory::share_arenas(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        // A write to stdout after `| head` closed it: quiet, as with println!.
        Err(Failure(message, _)) if is_closed_pipe(&message) => ExitCode::from(128 + 13),
        Err(Failure(message, code)) => {
            // Messages quote what servers said: one last pass keeps the terminal ours.
            eprintln!("error: {}", sanitize(&message));
            ExitCode::from(code)
        }
    }
}

fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BKPORTALS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

async fn run(cli: Cli) -> Outcome {
    if let Some(Command::Sandbox(args)) = cli.command {
        let out = Output { json: cli.json };
        return sandbox::run_sandbox(args, cli.org.as_deref(), out).await;
    }
    if let Some(Command::Check { files, schema }) = &cli.command {
        let out = Output { json: cli.json };
        return schema::check(files, schema.as_deref(), cli.demo, cli.org.as_deref(), out).await;
    }
    if let Some(Command::Completions {
        shell: Some(shell), ..
    }) = cli.command
    {
        return completions::script(shell);
    }
    if let Some(Command::Doctor) = cli.command {
        return doctor::doctor(cli.demo, cli.org.as_deref(), Output { json: cli.json }).await;
    }
    if cli.command.is_none() && !has_terminal() {
        return Err(Failure(
            "the app needs a terminal, and this process has none (its input is redirected, with no \
             controlling terminal): run it in a terminal, or run a command (`bkportals --help` lists \
             them, e.g. `bkportals --demo list`)"
                .into(),
            EXIT_USAGE,
        ));
    }
    let mut session = Session::open(cli.demo, cli.org.as_deref()).await?;
    let Some(command) = cli.command else {
        // Without a token, a person at a terminal signs in inside the app.
        let needs_sign_in = session.settings.require_token().is_err() && prompt::interactive();
        let rest = if needs_sign_in {
            session.rest_with(crate::secrets::Secret::new(""))?
        } else {
            session.rest()?
        };
        let services = crate::tui::Services {
            rest,
            portals: session.portal_client()?,
            store: std::mem::replace(&mut session.store, TokenStore::in_memory()),
            drafts: crate::drafts::DraftStore::new(&session.data_dir),
            schema: crate::schema_cache::SchemaSource {
                cache: crate::schema_cache::SchemaCache::new(&session.cache_dir),
                endpoint: session.settings.graphql_endpoint.clone(),
                token: session.settings.api_token.clone(),
            },
            warnings: std::mem::take(&mut session.warnings),
            declared: cli.dir.as_deref().map(declared_portals).transpose()?,
            needs_sign_in,
        };
        // 0 after quitting, 128 + N after signal N, as a shell reports it.
        let code = crate::tui::run(services).await?;
        if needs_sign_in && code != crate::tui::app::EXIT_NOT_SIGNED_IN {
            auth::after_app_sign_in(&session);
        }
        if code == crate::tui::app::EXIT_NOT_SIGNED_IN {
            let org = session.org();
            eprintln!(
                "Not signed in to `{org}`. To sign in from the shell: `bkportals auth login --org {org}` \
                 (or set {}), then start bkportals again.",
                crate::config::ENV_TOKEN
            );
        }
        return Ok(code);
    };
    let out = Output { json: cli.json };
    match command {
        Command::List => portals::list(&session, out).await,
        Command::Show { slug } => portals::show(&session, out, &slug).await,
        Command::Create(args) => portals::create(&mut session, out, args).await,
        Command::Update(args) => portals::update(&mut session, out, args).await,
        Command::Delete { slug, yes } => portals::delete(&mut session, out, &slug, yes).await,
        Command::Invoke(args) => invoke::invoke(&mut session, out, args).await,
        Command::Audit { strict } => audit::audit(&session, out, strict).await,
        Command::History { slug } => history::history(&session, out, &slug).await,
        Command::Auth { action } => auth::auth(&mut session, out, action).await,
        Command::Token { action } => token::token(&mut session, out, action).await,
        Command::Schema {
            action: SchemaAction::Show { coordinate },
        } => schema::show(&session, coordinate.as_deref()).await,
        Command::Schema {
            action: SchemaAction::Refresh,
        } => schema::refresh(&session).await,
        Command::Pull { dir, force } => pull::pull(&session, out, &dir, force).await,
        Command::Plan { dir, allow_delete } => plan::plan(&session, out, &dir, allow_delete).await,
        Command::Push(args) => push::push(&mut session, out, args).await,
        Command::Rotate {
            slug,
            recreate: false,
            ..
        } => rotate::rotate(&mut session, out, &slug).await,
        Command::Rotate { slug, yes, .. } => rotate::recreate(&mut session, out, &slug, yes).await,
        Command::Completions { .. } => completions::print_slugs(&session),
        Command::Sandbox(_) | Command::Doctor | Command::Check { .. } => {
            unreachable!("handled above")
        }
    }
}

/// Whether the app has a terminal to draw on and read keys from: standard
/// input, or else the controlling terminal (as the app's terminal code uses).
fn has_terminal() -> bool {
    let controlling = || {
        cfg!(unix)
            && std::fs::File::options()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .is_ok()
    };
    std::io::stdin().is_terminal() || controlling()
}

/// `--dir DIR` for the app: its portal files, or what to fix in them.
fn declared_portals(dir: &std::path::Path) -> Result<crate::tui::declared::Declared, Failure> {
    let files = crate::portfile::read_portals(dir).map_err(|problems| {
        Failure(
            format!("--dir {}:\n  {}", dir.display(), problems.join("\n  ")),
            EXIT_USAGE,
        )
    })?;
    Ok(crate::tui::declared::Declared {
        dir: dir.to_path_buf(),
        files,
    })
}

#[derive(Clone, Copy)]
struct Output {
    json: bool,
}

impl Output {
    /// Pretty JSON on stdout; C1, DEL and bidi controls from servers as `\u` escapes.
    fn print_json(&self, value: &impl serde::Serialize) -> Result<(), Failure> {
        let text = to_json_pretty(value)?;
        println!("{text}");
        Ok(())
    }
}

/// How a write to a closed pipe reads once it became a `Failure` (through
/// `?` on an `io::Error`).
fn is_closed_pipe(message: &str) -> bool {
    #[cfg(unix)]
    let from_the_system = std::io::Error::from_raw_os_error(libc::EPIPE).to_string();
    #[cfg(not(unix))]
    let from_the_system = String::new();
    let kind = std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string();
    message == from_the_system || message == kind
}

/// `bkportals plan --json | head` closes stdout early: stop quietly, as a
/// Unix tool killed by SIGPIPE does, instead of a panic message. SIGPIPE
/// itself stays ignored, so a child that closes its stdin (`--token-command`)
/// cannot kill us between a write and its report.
fn quiet_on_closed_stdout() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(128 + 13);
        }
        previous(info);
    }));
}

/// `warning: ...` on stderr, made safe: warnings often quote a server.
fn warn(message: impl std::fmt::Display) {
    eprintln!("warning: {}", sanitize(&message.to_string()));
}

use crate::text::plural;

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[test]
    fn no_arguments_is_the_app_as_clap_reads_it() {
        let parsed = super::Cli::try_parse_from(["bkportals"]).expect("no arguments parse");
        assert_eq!(
            format!("{:?}", super::Cli::the_app()),
            format!("{parsed:?}")
        );
    }
}
