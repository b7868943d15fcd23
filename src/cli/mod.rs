//! The command line: `list`, `show`, `create`, `update`, `delete`, `invoke`, `sandbox`.
//!
//! Results go to stdout (`--json` for scripts), messages and errors to stderr.
//! Exit codes: 0 done, 1 failed, 2 bad usage, 3 the portal answered with errors.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use crate::buildkite::{
    ApiError, ClientOptions, InvokeResponse, NewPortal, Portal, PortalChanges, PortalClient,
    RestClient,
};
use crate::config::{self, ConfigFile, Paths, Settings};
use crate::graphql::variables;
use crate::sandbox::{self, RunningSandbox, SandboxOptions};
use crate::secrets::{Secret, TokenKind, TokenStore};
use crate::text::{sanitize, sanitize_line};

mod schema;

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
Exit codes: 0 done, 1 failed, 2 bad usage, 3 the portal answered with errors."
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
    /// Short-lived portal tokens: sign in as yourself, or use a portal secret
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Check GraphQL files against the organization's schema (or --schema FILE);
    /// prints FILE:LINE:COL: message and exits 1 when any file has an error
    Check {
        #[arg(required = true, value_name = "FILE")]
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
    /// Check config, token store, file permissions, endpoints and token scopes
    Doctor,
    /// Run the Buildkite sandbox and print the shell lines that point bkportals at it
    Sandbox(SandboxArgs),
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
}

/// A failure to report: the message, and the exit code.
struct Failure(String, u8);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string(), EXIT_FAILED)
    }
}

type Outcome = Result<u8, Failure>;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Sandbox(_)) => init_logging("info"),
        Some(_) => init_logging("warn"),
        // The app owns the terminal: log lines on stderr would tear the screen.
        None => {}
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
        Err(Failure(message, code)) => {
            eprintln!("error: {message}");
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
        return run_sandbox(args).await;
    }
    if let Some(Command::Check { files, schema }) = &cli.command {
        let out = Output { json: cli.json };
        return schema::check(files, schema.as_deref(), cli.demo, cli.org.as_deref(), out).await;
    }
    if let Some(Command::Doctor) = cli.command {
        return doctor(cli.demo, cli.org.as_deref(), Output { json: cli.json }).await;
    }
    let mut session = Session::open(cli.demo, cli.org.as_deref()).await?;
    let Some(command) = cli.command else {
        let services = crate::tui::Services {
            rest: session.rest()?,
            portals: session.portal_client()?,
            store: std::mem::replace(&mut session.store, TokenStore::in_memory()),
            drafts: crate::drafts::DraftStore::new(&session.data_dir),
            schema: crate::schema_cache::SchemaSource {
                cache: crate::schema_cache::SchemaCache::new(&session.cache_dir),
                endpoint: session.settings.graphql_endpoint.clone(),
                token: session.settings.api_token.clone(),
            },
            warnings: std::mem::take(&mut session.warnings),
        };
        // 0 after quitting, 128 + N after signal N, as a shell reports it.
        return Ok(crate::tui::run(services).await?);
    };
    let out = Output { json: cli.json };
    match command {
        Command::List => list(&session, out).await,
        Command::Show { slug } => show(&session, out, &slug).await,
        Command::Create(args) => create(&mut session, out, args).await,
        Command::Update(args) => update(&mut session, out, args).await,
        Command::Delete { slug, yes } => delete(&mut session, out, &slug, yes).await,
        Command::Invoke(args) => invoke(&mut session, out, args).await,
        Command::Token { action } => token(&mut session, out, action).await,
        Command::Schema {
            action: SchemaAction::Show { coordinate },
        } => schema::show(&session, coordinate.as_deref()).await,
        Command::Schema {
            action: SchemaAction::Refresh,
        } => schema::refresh(&session).await,
        Command::Sandbox(_) | Command::Doctor | Command::Check { .. } => {
            unreachable!("handled above")
        }
    }
}

#[derive(Clone, Copy)]
struct Output {
    json: bool,
}

impl Output {
    fn print_json(&self, value: &impl serde::Serialize) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(value)?;
        println!("{text}");
        Ok(())
    }
}

/// Settings, the token store, and the sandbox when `--demo` started one.
struct Session {
    settings: Settings,
    store: TokenStore,
    data_dir: PathBuf,
    cache_dir: PathBuf,
    /// Said on stderr at start; the app shows them too (its screen hides stderr).
    warnings: Vec<String>,
    _sandbox: Option<RunningSandbox>,
}

impl Session {
    async fn open(demo: bool, org_flag: Option<&str>) -> Result<Session, Failure> {
        if demo {
            let sandbox = sandbox::start(SandboxOptions::default()).await?;
            let mut store = TokenStore::in_memory();
            for (slug, token) in &sandbox.portal_tokens {
                store.set_portal_token(&sandbox.org_slug, slug, Secret::new(token))?;
            }
            let parse = |u: String| url::Url::parse(&u).map_err(Failure::from);
            let settings = Settings {
                org: sandbox.org_slug.clone(),
                api_token: Some(Secret::new(&sandbox.api_token)),
                rest_endpoint: parse(sandbox.rest_endpoint())?,
                graphql_endpoint: parse(sandbox.graphql_endpoint())?,
                portal_endpoint: parse(sandbox.portal_endpoint())?,
            };
            return Ok(Session {
                settings,
                store,
                // Sandbox drafts stay apart from a real organization's.
                data_dir: Paths::discover().data_dir.join("sandbox"),
                cache_dir: Paths::discover().cache_dir,
                warnings: Vec::new(),
                _sandbox: Some(sandbox),
            });
        }
        let paths = Paths::discover();
        let (file, config_warning) = ConfigFile::load_or_set_aside(&paths.config_file)?;
        let mut warnings = Vec::new();
        if let Some(warning) = config_warning {
            eprintln!("warning: {warning}");
            warnings.push(warning);
        }
        let mut store = TokenStore::open(&paths.token_store())?;
        if let Some(warning) = &store.warning {
            eprintln!("warning: {warning}");
            warnings.push(warning.clone());
        }
        let settings = config::resolve(
            &file,
            &paths.config_file,
            |name| std::env::var(name).ok(),
            org_flag,
            &mut store,
        )?;
        Ok(Session {
            settings,
            store,
            data_dir: paths.data_dir,
            cache_dir: paths.cache_dir,
            warnings,
            _sandbox: None,
        })
    }

    fn rest(&self) -> Result<RestClient, Failure> {
        let token = self.settings.require_token()?.clone();
        Ok(RestClient::new(
            self.settings.rest_endpoint.clone(),
            &self.settings.org,
            token,
            ClientOptions::default(),
        )?)
    }

    fn portal_client(&self) -> Result<PortalClient, Failure> {
        Ok(PortalClient::new(
            self.settings.portal_endpoint.clone(),
            &self.settings.org,
            ClientOptions::default(),
        )?)
    }

    fn org(&self) -> &str {
        &self.settings.org
    }
}

async fn list(session: &Session, out: Output) -> Outcome {
    let portals = session.rest()?.list().await?;
    if out.json {
        out.print_json(&portals)?;
        return Ok(0);
    }
    if portals.is_empty() {
        eprintln!(
            "Organization `{}` has no portals yet. Create one with:\n  bkportals create --name \"My portal\" --query-file portal.graphql",
            session.org()
        );
        return Ok(0);
    }
    let width = portals
        .iter()
        .map(|p| sanitize_line(&p.slug).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let with_token = session.store.portal_slugs(session.org());
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{:<width$}  FLAGS  NAME", "SLUG")?;
    for p in &portals {
        let flags = format!(
            "{}{}",
            if p.user_invokable { 'U' } else { '-' },
            if with_token.contains(&p.slug) {
                'T'
            } else {
                '-'
            }
        );
        writeln!(
            stdout,
            "{:<width$}  {flags:<5}  {}",
            sanitize_line(&p.slug),
            sanitize_line(&p.name)
        )?;
    }
    eprintln!(
        "{} portals · U = user-invokable, T = token stored",
        portals.len()
    );
    Ok(0)
}

async fn show(session: &Session, out: Output, slug: &str) -> Outcome {
    let portal = session.rest()?.get(slug).await?;
    if out.json {
        out.print_json(&portal)?;
        return Ok(0);
    }
    print!("{}", describe(session, &portal));
    Ok(0)
}

fn describe(session: &Session, p: &Portal) -> String {
    let line = |v: &Option<String>, none: &str| {
        v.as_deref()
            .map(sanitize_line)
            .unwrap_or_else(|| none.into())
    };
    let creator = p
        .created_by
        .as_ref()
        .map(|c| match &c.email {
            Some(email) => format!(" by {} <{}>", sanitize_line(&c.name), sanitize_line(email)),
            None => format!(" by {}", sanitize_line(&c.name)),
        })
        .unwrap_or_default();
    let endpoint = session
        .portal_client()
        .map(|c| c.portal_url(&p.slug, None).to_string())
        .unwrap_or_default();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    format!(
        "Name:            {}\nSlug:            {}\nUUID:            {}\nDescription:     {}\nAllowed IPs:     {}\nUser-invokable:  {}\nCreated:         {}{}\nToken stored:    {}\nEndpoint:        {}\n\n{}\n",
        sanitize_line(&p.name),
        sanitize_line(&p.slug),
        sanitize_line(&p.uuid),
        line(&p.description, "(none)"),
        line(&p.allowed_ip_addresses, "any address"),
        yes_no(p.user_invokable),
        sanitize_line(&p.created_at),
        creator,
        yes_no(session.store.has_portal_token(session.org(), &p.slug)),
        endpoint,
        sanitize(p.query.trim_end()),
    )
}

fn read_input(path: &Path, what: &str) -> Result<String, Failure> {
    let result = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(path)
    };
    result.map_err(|e| {
        Failure(
            format!("could not read {what} {}: {e}", path.display()),
            EXIT_FAILED,
        )
    })
}

async fn create(session: &mut Session, out: Output, args: CreateArgs) -> Outcome {
    let query = read_input(&args.query_file, "the query file")?;
    if !args.no_validate {
        schema::refuse_invalid(session, &query).await?;
    }
    let new = NewPortal {
        name: args.name,
        query,
        slug: args.slug,
        description: args.description,
        allowed_ip_addresses: args.allowed_ips,
        user_invokable: args.user_invokable,
    };
    let created = session.rest()?.create(&new).await?;
    let slug = created.portal.slug.clone();
    let org = session.org().to_owned();
    let stored = session
        .store
        .set_portal_token(&org, &slug, created.token.clone());
    if out.json {
        out.print_json(&json!({ "portal": created.portal, "token": created.token.expose() }))?;
    } else {
        eprintln!("Created portal `{}`.", sanitize_line(&slug));
        eprintln!("Its token is shown this once; Buildkite cannot show it again:");
        println!("{}", sanitize_line(created.token.expose()));
    }
    match stored {
        Ok(()) => eprintln!("The token is {}.", session.store.describe()),
        Err(e) => eprintln!("warning: the token was not stored ({e}); keep the copy above"),
    }
    Ok(0)
}

async fn update(session: &mut Session, out: Output, args: UpdateArgs) -> Outcome {
    let query = match &args.query_file {
        Some(path) => Some(read_input(path, "the query file")?),
        None => None,
    };
    if let (Some(query), false) = (&query, args.no_validate) {
        schema::refuse_invalid(session, query).await?;
    }
    let wanted = PortalChanges {
        name: args.name,
        slug: args.new_slug,
        description: args.description,
        query,
        allowed_ip_addresses: args.allowed_ips,
        user_invokable: args.user_invokable,
    };
    let rest = session.rest()?;
    let current = rest.get(&args.slug).await?;
    let changes = PortalChanges::diff(&current, wanted);
    if changes.is_empty() {
        if out.json {
            out.print_json(&current)?;
        }
        eprintln!(
            "Nothing to change: portal `{}` already has these values.",
            args.slug
        );
        return Ok(0);
    }
    let updated = rest.update(&args.slug, &changes).await?;
    if updated.slug != args.slug {
        let org = session.org().to_owned();
        if let Err(e) = session.store.rename_portal(&org, &args.slug, &updated.slug) {
            eprintln!("warning: the stored token was not moved to the new slug: {e}");
        }
    }
    let fields: Vec<String> = match serde_json::to_value(&changes)? {
        Value::Object(map) => map.keys().map(|k| k.replace('_', " ")).collect(),
        _ => Vec::new(),
    };
    if out.json {
        out.print_json(&updated)?;
    }
    eprintln!(
        "Updated portal `{}`: {}.",
        sanitize_line(&updated.slug),
        fields.join(", ")
    );
    Ok(0)
}

async fn delete(session: &mut Session, out: Output, slug: &str, yes: bool) -> Outcome {
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure(
                format!("not deleting `{slug}` without confirmation: pass --yes"),
                EXIT_USAGE,
            ));
        }
        eprint!(
            "Delete portal `{slug}`? Its URL and token stop working. Type the slug to confirm: "
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != slug {
            eprintln!("Not deleted.");
            return Ok(EXIT_FAILED);
        }
    }
    session.rest()?.delete(slug).await?;
    let org = session.org().to_owned();
    if let Err(e) = session.store.forget_portal_token(&org, slug) {
        eprintln!("warning: the stored token was not removed: {e}");
    }
    if out.json {
        out.print_json(&json!({ "deleted": slug }))?;
    }
    eprintln!("Deleted portal `{slug}`.");
    Ok(0)
}

fn secret_from_env(name: &str, flag: &str) -> Result<Secret, Failure> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
        .ok_or_else(|| {
            Failure(
                format!("the environment variable {name} (from {flag}) is not set"),
                EXIT_USAGE,
            )
        })
}

async fn invoke(session: &mut Session, out: Output, args: InvokeArgs) -> Outcome {
    let (token, kind) = match &args.token_env {
        Some(name) => (secret_from_env(name, "--token-env")?, None),
        None => {
            let org = session.settings.org.clone();
            let (token, kind) = session.store.best_portal_token(&org, &args.slug).ok_or_else(|| {
                Failure(
                    format!(
                        "no token stored for portal `{}`: run `bkportals token login {}` (user-invokable portals), \
                         or put the portal's token in an environment variable and pass --token-env NAME",
                        args.slug, args.slug
                    ),
                    EXIT_USAGE,
                )
            })?;
            eprintln!("Using {kind}.");
            (token, Some(kind))
        }
    };
    let variables = build_variables(session, &args).await?;
    let result = session
        .portal_client()?
        .invoke(&args.slug, args.operation.as_deref(), &variables, &token)
        .await;
    let response = match (result, kind) {
        (Err(ApiError::Unauthorized { message, .. }), Some(TokenKind::User | TokenKind::Ephemeral)) => {
            return Err(Failure(
                format!(
                    "the stored short-lived token was refused ({message}): get a new one with `bkportals token login {}` or `bkportals token ephemeral {}`",
                    args.slug, args.slug
                ),
                EXIT_FAILED,
            ))
        }
        (result, _) => result?,
    };
    report_invoke(out, &response)?;
    Ok(if response.succeeded() {
        0
    } else {
        EXIT_PORTAL_ERRORS
    })
}

/// The variables object: `--vars-file`, then each `--var` typed by the
/// portal's variable definitions when the API token can fetch the document.
async fn build_variables(session: &Session, args: &InvokeArgs) -> Result<Value, Failure> {
    let mut object = match &args.vars_file {
        Some(path) => {
            let text = read_input(path, "the variables file")?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                _ => {
                    return Err(Failure(
                        format!(
                        "{} must hold a JSON object of variables, like {{\"branch\": \"main\"}}",
                        path.display()
                    ),
                        EXIT_USAGE,
                    ))
                }
            }
        }
        None => serde_json::Map::new(),
    };
    if args.vars.is_empty() {
        return Ok(Value::Object(object));
    }
    let definitions = variable_definitions(session, &args.slug, args.operation.as_deref()).await;
    for pair in &args.vars {
        let Some((name, text)) = pair.split_once('=') else {
            return Err(Failure(
                format!("--var {pair:?} needs the form NAME=VALUE"),
                EXIT_USAGE,
            ));
        };
        let name = name.trim().trim_start_matches('$');
        let value = match definitions.iter().find(|v| v.name == name) {
            Some(definition) => definition
                .coerce(text)
                .map_err(|e| Failure(format!("--var {e}"), EXIT_USAGE))?,
            None => Value::String(text.to_owned()),
        };
        object.insert(name.to_owned(), value);
    }
    Ok(Value::Object(object))
}

async fn variable_definitions(
    session: &Session,
    slug: &str,
    operation: Option<&str>,
) -> Vec<variables::Variable> {
    let Ok(rest) = session.rest() else {
        return Vec::new();
    };
    let document = match rest.get(slug).await {
        Ok(portal) => portal.query,
        Err(e) => {
            tracing::warn!(
                "variables are sent as text: could not fetch the portal's document ({e})"
            );
            return Vec::new();
        }
    };
    let operations = variables::operations(&document).unwrap_or_default();
    let chosen = match operation {
        Some(name) => operations
            .into_iter()
            .find(|o| o.name.as_deref() == Some(name)),
        None => operations.into_iter().next(),
    };
    chosen.map(|o| o.variables).unwrap_or_default()
}

fn report_invoke(out: Output, response: &InvokeResponse) -> Result<(), Failure> {
    if response.body.spilled_to().is_some() {
        return report_large_invoke(out, response);
    }
    let body: Value = serde_json::from_str(&response.body)
        .unwrap_or_else(|_| Value::String(response.body.as_str().to_owned()));
    if out.json {
        return out.print_json(&json!({
            "status": response.status,
            "elapsed_ms": response.elapsed.as_millis() as u64,
            "rate_limit": response.rate_limit,
            "body": body,
        }));
    }
    let mut summary = format!(
        "HTTP {} in {}",
        response.status,
        human_duration(response.elapsed)
    );
    if let (Some(remaining), Some(limit)) =
        (response.rate_limit.remaining, response.rate_limit.limit)
    {
        summary.push_str(&format!(" · {remaining}/{limit} calls left this minute"));
    }
    eprintln!("{summary}");
    if let Some(graphql) = &response.graphql {
        for error in &graphql.errors {
            eprintln!("GraphQL error: {}", sanitize_line(&error.message));
        }
    }
    match &body {
        Value::String(text) => println!("{}", sanitize(text)),
        other => println!("{}", serde_json::to_string_pretty(other)?),
    }
    Ok(())
}

/// An answer too large for memory is printed as received, from its file:
/// no tree of it is built to pretty-print it.
fn report_large_invoke(out: Output, response: &InvokeResponse) -> Result<(), Failure> {
    let body = response.body.as_str();
    let is_json = response.graphql.is_some();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if out.json {
        let head = json!({
            "status": response.status,
            "elapsed_ms": response.elapsed.as_millis() as u64,
            "rate_limit": response.rate_limit,
        })
        .to_string();
        // `{"status":...,"body":<the body>}`: the head without its closing brace.
        let head = head.strip_suffix('}').unwrap_or(&head);
        write!(stdout, "{head},\"body\":")?;
        if is_json {
            stdout.write_all(body.as_bytes())?;
        } else {
            serde_json::to_writer(&mut stdout, body)?;
        }
        writeln!(stdout, "}}")?;
        return Ok(stdout.flush()?);
    }
    eprintln!(
        "HTTP {} in {} · {} MB, printed as received",
        response.status,
        human_duration(response.elapsed),
        body.len() >> 20
    );
    if let Some(graphql) = &response.graphql {
        for error in &graphql.errors {
            eprintln!("GraphQL error: {}", sanitize_line(&error.message));
        }
    }
    if is_json {
        // Valid JSON holds no raw control characters: nothing to make inert.
        stdout.write_all(body.as_bytes())?;
    } else {
        for line in body.split('\n') {
            writeln!(stdout, "{}", sanitize_line(line))?;
        }
    }
    writeln!(stdout)?;
    Ok(stdout.flush()?)
}

fn human_duration(d: Duration) -> String {
    if d.as_millis() >= 1000 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Checks everything it can, even when some of it is broken, and says what to fix.
async fn doctor(demo: bool, org_flag: Option<&str>, out: Output) -> Outcome {
    use crate::doctor::{check_endpoints, check_files, Check, Verdict};
    let mut checks: Vec<Check> = Vec::new();
    let problem = |what: &str, fix: String| Check {
        verdict: Verdict::Problem,
        what: what.to_owned(),
        fix: Some(fix),
    };
    let settings = if demo {
        let session = Session::open(true, org_flag).await?;
        checks.extend(check_files(
            &Paths::discover().config_file,
            &session.data_dir,
            &session.store,
        ));
        checks.extend(check_endpoints(&session.settings, ClientOptions::default()).await);
        None
    } else {
        let paths = Paths::discover();
        let file = match ConfigFile::load(&paths.config_file) {
            Ok(file) => file,
            Err(e) => {
                checks.push(problem("the config file is broken", e.to_string()));
                ConfigFile::default()
            }
        };
        let mut store = match TokenStore::open(&paths.token_store()) {
            Ok(store) => store,
            Err(e) => {
                checks.push(problem("the token store cannot be read", e.to_string()));
                TokenStore::in_memory()
            }
        };
        checks.extend(check_files(&paths.config_file, &paths.data_dir, &store));
        match config::resolve(
            &file,
            &paths.config_file,
            |name| std::env::var(name).ok(),
            org_flag,
            &mut store,
        ) {
            Ok(settings) => Some(settings),
            Err(e) => {
                checks.push(problem("settings", e.to_string()));
                None
            }
        }
    };
    if let Some(settings) = settings {
        checks.extend(check_endpoints(&settings, ClientOptions::default()).await);
    }
    let failed = checks.iter().any(|c| c.verdict == Verdict::Problem);
    if out.json {
        out.print_json(&checks)?;
    } else {
        for check in &checks {
            let mark = match check.verdict {
                Verdict::Ok => "✓",
                Verdict::Warning => "!",
                Verdict::Problem => "✗",
            };
            match &check.fix {
                Some(fix) => println!(
                    "{mark} {}\n    → {}",
                    sanitize_line(&check.what),
                    sanitize_line(fix)
                ),
                None => println!("{mark} {}", sanitize_line(&check.what)),
            }
        }
    }
    Ok(if failed { EXIT_FAILED } else { 0 })
}

async fn token(session: &mut Session, out: Output, action: TokenAction) -> Outcome {
    let org = session.settings.org.clone();
    match action {
        TokenAction::Login { slug, expires_in } => {
            let portals = session.portal_client()?;
            let code = portals.request_code(&slug).await?;
            let url = sanitize_line(&code.authorization_url);
            eprintln!(
                "To run `{slug}` as yourself, approve code {} at:\n\n  {url}\n",
                sanitize_line(&code.code)
            );
            if crate::desktop::open_in_browser(&url) {
                eprintln!("(opened in your browser)");
            }
            let deadline = chrono::DateTime::parse_from_rfc3339(&code.expires_at)
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_else(|_| chrono::Utc::now() + chrono::Duration::minutes(5));
            let show_countdown = std::io::stderr().is_terminal();
            let granted = loop {
                let left = (deadline - chrono::Utc::now()).num_seconds();
                if left <= 0 {
                    return Err(Failure(
                        format!("the code expired before it was approved: run `bkportals token login {slug}` again"),
                        EXIT_FAILED,
                    ));
                }
                if show_countdown {
                    eprint!(
                        "\rWaiting for approval… {}:{:02} left (Ctrl-C cancels) ",
                        left / 60,
                        left % 60
                    );
                }
                match portals.exchange_code(&slug, &code, expires_in).await? {
                    crate::buildkite::Exchange::Granted(token) => break token,
                    crate::buildkite::Exchange::Pending => {}
                }
                tokio::select! {
                    _ = tokio::time::sleep(LOGIN_POLL) => {}
                    _ = tokio::signal::ctrl_c() => {
                        if show_countdown { eprintln!(); }
                        return Err(Failure("cancelled: no token".into(), EXIT_FAILED));
                    }
                }
            };
            if show_countdown {
                eprintln!();
            }
            session.store.set_short_token(
                &org,
                &slug,
                TokenKind::User,
                granted.token,
                &granted.expires_at,
            )?;
            if out.json {
                out.print_json(&json!({ "portal": slug, "kind": TokenKind::User, "expires_at": granted.expires_at }))?;
            }
            eprintln!(
                "Signed in: `bkportals invoke {slug}` now runs with your permissions until {} ({}).",
                sanitize_line(&granted.expires_at),
                session.store.describe()
            );
            Ok(0)
        }
        TokenAction::Ephemeral {
            slug,
            secret_env,
            client_id,
            expires_in,
        } => {
            let secret = secret_from_env(&secret_env, "--secret-env")?;
            let client_id = match client_id {
                Some(id) => id,
                None => session.rest()?.get(&slug).await?.uuid,
            };
            let granted = session
                .portal_client()?
                .ephemeral_token(&slug, &client_id, &secret, expires_in)
                .await?;
            session.store.set_short_token(
                &org,
                &slug,
                TokenKind::Ephemeral,
                granted.token,
                &granted.expires_at,
            )?;
            if out.json {
                out.print_json(&json!({ "portal": slug, "kind": TokenKind::Ephemeral, "expires_at": granted.expires_at }))?;
            }
            eprintln!(
                "Stored an ephemeral token for `{slug}` until {}.",
                sanitize_line(&granted.expires_at)
            );
            Ok(0)
        }
        TokenAction::List => {
            let entries = session.store.entries();
            if out.json {
                out.print_json(&entries)?;
                return Ok(0);
            }
            if entries.is_empty() {
                eprintln!(
                    "No portal tokens are stored ({}).",
                    session.store.describe()
                );
                return Ok(0);
            }
            let width = entries
                .iter()
                .map(|e| e.portal.len())
                .max()
                .unwrap_or(6)
                .max(6);
            println!(
                "{:<16}  {:<width$}  {:<9}  EXPIRES",
                "ORGANIZATION", "PORTAL", "KIND"
            );
            for e in &entries {
                let kind = serde_json::to_value(e.kind)?
                    .as_str()
                    .unwrap_or("?")
                    .to_owned();
                let expires = match (&e.expires_at, e.expired) {
                    (None, _) => "never".to_owned(),
                    (Some(at), true) => format!("{} (expired)", sanitize_line(at)),
                    (Some(at), false) => sanitize_line(at),
                };
                println!(
                    "{:<16}  {:<width$}  {kind:<9}  {expires}",
                    sanitize_line(&e.organization),
                    sanitize_line(&e.portal)
                );
            }
            Ok(0)
        }
        TokenAction::Forget { slug } => {
            if session.store.forget_portal_token(&org, &slug)? {
                eprintln!("Forgot the stored tokens of `{slug}`.");
                Ok(0)
            } else {
                eprintln!("No token was stored for `{slug}` in `{org}`.");
                Ok(EXIT_FAILED)
            }
        }
    }
}

/// How often `token login` asks whether the code was approved.
const LOGIN_POLL: Duration = Duration::from_secs(2);

async fn approve_code(
    code: &str,
    user: Option<&str>,
    deny: bool,
    sandbox: Option<&str>,
) -> Outcome {
    let base = sandbox.ok_or_else(|| {
        Failure(
            "which sandbox? pass --sandbox URL or set BUILDKITE_PORTAL_ENDPOINT (the sandbox prints it)".into(),
            EXIT_USAGE,
        )
    })?;
    let mut url = url::Url::parse(base)?;
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .extend(["authorize", code, if deny { "deny" } else { "approve" }]);
    }
    let mut form = Vec::new();
    if let Some(user) = user {
        form.push(("user", user));
    }
    let response = reqwest::Client::new().post(url).form(&form).send().await?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let words: String = text
        .split(['<', '>'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" ");
    let words = sanitize_line(
        words
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim(),
    );
    if status.is_success() {
        eprintln!("{words}");
        Ok(0)
    } else {
        Err(Failure(format!("the sandbox said: {words}"), EXIT_FAILED))
    }
}

async fn run_sandbox(args: SandboxArgs) -> Outcome {
    if let Some(SandboxAction::Approve {
        code,
        user,
        deny,
        sandbox,
    }) = &args.action
    {
        return approve_code(code, user.as_deref(), *deny, sandbox.as_deref()).await;
    }
    let options = SandboxOptions {
        port: args.port,
        state_file: args.state,
        extra_portals: args.portals,
        org_rate_limit: args.rate_limit,
        user_rate_limit: args.user_rate_limit,
        portal_rate_limit: args.portal_rate_limit,
        faults: match &args.faults {
            Some(spec) => sandbox::FaultSpec::parse(spec)
                .map_err(|e| Failure(format!("--faults: {e}"), EXIT_USAGE))?,
            None => sandbox::FaultSpec::default(),
        },
        ..SandboxOptions::default()
    };
    let running = sandbox::start(options).await?;
    print!("{}", running.shell_exports());
    std::io::stdout().flush()?;
    tracing::info!("press Ctrl-C to stop");
    tokio::select! {
        _ = shutdown_signal() => tracing::info!("stopping"),
        _ = running.wait() => {}
    }
    Ok(0)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
