//! `invoke`: run a portal's document and print the answer.

use std::io::Write;
use std::time::Duration;

use serde_json::{json, Value};

use super::session::{read_input, secret_from_env, Session};
use super::{Failure, InvokeArgs, Outcome, Output, EXIT_FAILED, EXIT_PORTAL_ERRORS, EXIT_USAGE};
use crate::buildkite::{ApiError, InvokeResponse};
use crate::graphql::variables;
use crate::secrets::TokenKind;
use crate::text::{sanitize, sanitize_line, to_json_pretty, write_json, write_json_text};

pub(super) async fn invoke(session: &mut Session, out: Output, args: InvokeArgs) -> Outcome {
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
                "variables are sent as text: could not fetch the portal's document ({})",
                sanitize_line(&e.to_string())
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
        other => println!("{}", to_json_pretty(other)?),
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
            write_json_text(&mut stdout, body)?;
        } else {
            write_json(&mut stdout, body)?;
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
        // Valid JSON holds no raw C0 controls; the rest are escaped as received.
        write_json_text(&mut stdout, body)?;
    } else {
        for line in body.split('\n') {
            writeln!(stdout, "{}", sanitize_line(line))?;
        }
    }
    writeln!(stdout)?;
    Ok(stdout.flush()?)
}

pub(super) fn human_duration(d: Duration) -> String {
    if d.as_millis() >= 1000 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}
