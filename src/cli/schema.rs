//! `check` and `schema`: GraphQL documents against the organization's schema,
//! and the validation `create`/`update` run before sending a document.

use std::path::{Path, PathBuf};

use super::session::{read_input, Session};
use super::{warn, Failure, Outcome, Output, EXIT_FAILED, EXIT_USAGE};
use crate::graphql::diagnostics::parse_diagnostics;
use crate::graphql::schema::GraphqlSchema;
use crate::schema_cache::{LoadedSchema, SchemaCache};
use crate::text::{sanitize, sanitize_line};

impl Session {
    fn schema_cache(&self) -> SchemaCache {
        SchemaCache::new(&self.cache_dir)
    }

    /// The cached schema, fetched first when there is none or it is stale.
    /// A stale copy is used, with a warning, when fetching fails.
    pub(super) async fn schema(&self) -> Result<LoadedSchema, String> {
        let cache = self.schema_cache();
        let endpoint = &self.settings.graphql_endpoint;
        let cached = match cache.load(endpoint) {
            Ok(cached) => cached,
            Err(problem) => {
                warn(problem);
                None
            }
        };
        if let Some(cached) = &cached {
            if !cached.is_stale(chrono::Utc::now()) {
                return Ok(cached.clone());
            }
        }
        let fetched = match self.settings.require_token() {
            Ok(token) => cache.refresh(endpoint, token, Default::default()).await,
            Err(e) => Err(e.to_string()),
        };
        match (fetched, cached) {
            (Ok(fresh), _) => Ok(fresh),
            (Err(e), Some(stale)) => {
                warn(format!(
                    "using the schema cached {}; fetching a new one failed: {e}",
                    stale.fetched_at.format("%Y-%m-%d %H:%M UTC")
                ));
                Ok(stale)
            }
            (Err(e), None) => Err(format!("no GraphQL schema for {endpoint}: {e}")),
        }
    }
}

/// `bkportals schema refresh`
pub(super) async fn refresh(session: &Session) -> Outcome {
    let token = session.settings.require_token()?;
    let endpoint = &session.settings.graphql_endpoint;
    let loaded = session
        .schema_cache()
        .refresh(endpoint, token, Default::default())
        .await
        .map_err(|e| Failure(e, EXIT_FAILED))?;
    eprintln!(
        "Fetched the schema of {endpoint} ({} types); cached in {}.",
        loaded.schema.type_names().len(),
        session.schema_cache().path(endpoint).display()
    );
    Ok(0)
}

/// `bkportals schema show [TYPE[.FIELD]]`
pub(super) async fn show(session: &Session, coordinate: Option<&str>) -> Outcome {
    let loaded = session
        .schema()
        .await
        .map_err(|e| Failure(e, EXIT_FAILED))?;
    // Descriptions are the server's text, also when replayed from the cache.
    let Some(coordinate) = coordinate else {
        println!("{}", sanitize(loaded.sdl.trim_end()));
        return Ok(0);
    };
    match loaded.schema.describe(coordinate) {
        Some(sdl) => {
            println!("{}", sanitize(sdl.trim_end()));
            Ok(0)
        }
        None => {
            let wanted = coordinate
                .split('.')
                .next()
                .unwrap_or(coordinate)
                .to_lowercase();
            let mut near: Vec<String> = loaded
                .schema
                .type_names()
                .into_iter()
                .filter(|name| name.to_lowercase().contains(&wanted))
                .collect();
            // Closest first: names starting with the text, then the shortest.
            near.sort_by_key(|name| {
                let starts = name.to_lowercase().starts_with(&wanted);
                (!starts, name.len(), name.clone())
            });
            near.truncate(8);
            let hint = if near.is_empty() {
                "; `bkportals schema show` prints every type".to_owned()
            } else {
                format!("; similar types: {}", near.join(", "))
            };
            Err(Failure(
                format!(
                    "the schema has no type or field `{}`{hint}",
                    sanitize_line(coordinate)
                ),
                EXIT_FAILED,
            ))
        }
    }
}

/// `bkportals check FILE|DIR... [--schema FILE]`: exit 1 when anything is an error.
pub(super) async fn check(
    files: &[PathBuf],
    schema_file: Option<&Path>,
    demo: bool,
    org: Option<&str>,
    out: Output,
) -> Outcome {
    let schema = match schema_file {
        Some(path) => {
            let sdl = read_input(path, "the schema file")?;
            GraphqlSchema::from_sdl(&sdl)
                .map_err(|e| Failure(format!("{}: {e}", path.display()), EXIT_USAGE))?
        }
        None => organization_or_published_schema(demo, org).await?,
    };
    super::check_dir::check_paths(files, &schema, out)
}

/// Buildkite's published schema, bundled: what `check` uses with no token,
/// so a CI job can lint portal documents without credentials.
const PUBLISHED_SCHEMA: &str = include_str!("../../assets/buildkite-schema.graphql");

/// The organization's schema (cached or introspected) when it can be had;
/// with no token (or no organization), the published one, said on stderr.
async fn organization_or_published_schema(
    demo: bool,
    org: Option<&str>,
) -> Result<GraphqlSchema, Failure> {
    let session = match Session::open(demo, org).await {
        Ok(session) => session,
        Err(Failure(message, _)) => {
            let reason = message.lines().next().unwrap_or_default().to_owned();
            return published_schema(&reason);
        }
    };
    match session.schema().await {
        Ok(loaded) => Ok(loaded.schema),
        Err(_) if session.settings.require_token().is_err() => {
            published_schema(&format!("no API token for `{}`", session.settings.org))
        }
        Err(e) => Err(Failure(
            format!("{e}\nPass --schema FILE.graphql to check against an SDL file instead."),
            EXIT_FAILED,
        )),
    }
}

fn published_schema(reason: &str) -> Result<GraphqlSchema, Failure> {
    eprintln!(
        "Checking against Buildkite's published schema (bundled with bkportals), not the organization's: {}.",
        sanitize_line(reason.trim_end_matches('.'))
    );
    GraphqlSchema::from_sdl(PUBLISHED_SCHEMA).map_err(|e| {
        Failure(
            format!("the bundled published schema does not load: {e}"),
            EXIT_FAILED,
        )
    })
}

/// Before `create`/`update` send a document: refuse syntax and validation
/// errors (the portal would fail on every call). Without a schema, only the
/// syntax is checked, and the user is told.
pub(super) async fn refuse_invalid(session: &Session, document: &str) -> Result<(), Failure> {
    let syntax = parse_diagnostics(document);
    let (diagnostics, what) = if !syntax.is_empty() {
        (syntax, "syntax")
    } else {
        match session.schema().await {
            Ok(loaded) => (loaded.schema.validate(document), "validation"),
            Err(e) => {
                warn(format!(
                    "the document was not checked against the schema: {e}"
                ));
                (Vec::new(), "validation")
            }
        }
    };
    if diagnostics.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("  {}:{}: {}", d.line, d.column, sanitize_line(&d.message)))
        .collect();
    Err(Failure(
        format!(
            "the document has {} {what} {}; nothing was sent:\n{}\nFix it, or pass --no-validate to send it anyway.",
            diagnostics.len(),
            if diagnostics.len() == 1 { "error" } else { "errors" },
            lines.join("\n")
        ),
        EXIT_FAILED,
    ))
}
