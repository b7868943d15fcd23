//! `invoke`: run a portal's document and print the answer.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::session::{read_input, secret_from_env, Session};
use super::stream::{AnswerPrinter, Layout};
use super::{Failure, InvokeArgs, Outcome, Output, EXIT_FAILED, EXIT_PORTAL_ERRORS, EXIT_USAGE};
use crate::buildkite::invoke::GraphqlEnvelope;
use crate::buildkite::{ApiError, InvokeStream};
use crate::graphql::variables;
use crate::history::{History, HistoryEntry, MAX_ANSWER};
use crate::secrets::TokenKind;
use crate::text::sanitize_line;

pub(super) async fn invoke(session: &mut Session, out: Output, args: InvokeArgs) -> Outcome {
    if args.print_curl {
        return print_curl(session, &args).await;
    }
    // Checked before the token is looked up: a portal that does not exist
    // or a usage error is said as such, and nothing is announced or sent.
    let variables = build_variables(session, &args).await?;
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
    let mut record = Record::start(session, &args, &variables, kind);
    let result = session
        .portal_client()?
        .invoke_streaming(&args.slug, args.operation.as_deref(), &variables, &token)
        .await;
    if let Err(e) = &result {
        record.finish(None, Some(e.to_string()));
    }
    let answer = match (result, kind) {
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
    let status = answer.status;
    let printed = print_answer(out, answer, &mut record).await;
    let error = printed.as_ref().err().map(|e| e.0.clone());
    record.finish(Some(status), error);
    Ok(if printed? { 0 } else { EXIT_PORTAL_ERRORS })
}

/// The history entry of this invocation, written once it ends however it ends.
struct Record {
    history: History,
    org: String,
    slug: String,
    entry: HistoryEntry,
    started: Instant,
    answer: Vec<u8>,
}

impl Record {
    fn start(
        session: &Session,
        args: &InvokeArgs,
        variables: &Value,
        kind: Option<TokenKind>,
    ) -> Record {
        let token = kind
            .and_then(|k| serde_json::to_value(k).ok())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "environment".to_owned());
        Record {
            history: History::new(&session.data_dir),
            org: session.org().to_owned(),
            slug: args.slug.clone(),
            entry: HistoryEntry {
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                operation: args.operation.clone(),
                variables: variables.clone(),
                token,
                status: None,
                error: None,
                duration_ms: 0,
                answer: String::new(),
                answer_bytes: 0,
                cancelled: false,
            },
            started: Instant::now(),
            answer: Vec::new(),
        }
    }

    /// Keeps the start of the answer as it streams by.
    fn push(&mut self, chunk: &[u8]) {
        self.entry.answer_bytes += chunk.len() as u64;
        let room = MAX_ANSWER.saturating_sub(self.answer.len());
        self.answer
            .extend_from_slice(&chunk[..chunk.len().min(room)]);
    }

    fn finish(&mut self, status: Option<u16>, error: Option<String>) {
        let total = self.entry.answer_bytes;
        self.entry
            .keep_answer(&String::from_utf8_lossy(&self.answer));
        self.entry.answer_bytes = total.max(self.entry.answer_bytes);
        self.entry.status = status;
        self.entry.error = error;
        self.entry.duration_ms = self.started.elapsed().as_millis() as u64;
        if let Err(e) = self.history.record(&self.org, &self.slug, &self.entry) {
            super::warn(format!("the run was not recorded in the history: {e}"));
        }
    }
}

/// The request `invoke` would send, as a curl command; nothing is sent to
/// the portal and no token is needed.
async fn print_curl(session: &Session, args: &InvokeArgs) -> Outcome {
    let variables = build_variables(session, args).await?;
    let url = session
        .portal_client()?
        .portal_url(&args.slug, args.operation.as_deref());
    println!("{}", crate::buildkite::curl::invocation(&url, &variables));
    eprintln!(
        "Set {} to the portal's token first (`bkportals token list` shows which are stored).",
        crate::buildkite::curl::TOKEN_VARIABLE
    );
    Ok(0)
}

/// The variables object: `--vars-file`, then each `--var` (which wins over
/// the file). When the API token can read the portal's document, the request
/// is checked against it first, as Buildkite would: which operation runs,
/// that each variable given is one it declares and has a value of its type
/// (`--var` text and the file's JSON alike), and that every required one is
/// given.
async fn build_variables(session: &Session, args: &InvokeArgs) -> Result<Value, Failure> {
    let given = given_variables(args)?;
    let operation = match portal_operations(session, &args.slug).await? {
        Some(operations) => Some(chosen_operation(
            &args.slug,
            operations,
            args.operation.as_deref(),
        )?),
        None => None,
    };
    let mut object = serde_json::Map::new();
    for variable in given {
        variable.refuse_control_characters()?;
        let value = match &operation {
            Some(operation) => variable.typed(&args.slug, operation)?,
            None => variable.untyped(),
        };
        object.insert(variable.name, value);
    }
    if let Some(operation) = &operation {
        required_variables_given(&args.slug, operation, &object)?;
    }
    Ok(Value::Object(object))
}

/// One variable as the user gave it, before it is checked.
struct GivenVariable {
    name: String,
    /// The flag it came from, which messages start with.
    flag: &'static str,
    value: GivenValue,
}

enum GivenValue {
    /// `--var NAME=TEXT`: typed from the text.
    Text(String),
    /// A member of `--vars-file`: JSON already.
    Json(Value),
}

/// `--vars-file`'s members, then each `--var`; a name given twice keeps its
/// last value.
fn given_variables(args: &InvokeArgs) -> Result<Vec<GivenVariable>, Failure> {
    let mut given: Vec<GivenVariable> = vars_file_object(args)?
        .into_iter()
        .map(|(name, value)| GivenVariable {
            name,
            flag: "--vars-file",
            value: GivenValue::Json(value),
        })
        .collect();
    for pair in &args.vars {
        let Some((name, text)) = pair.split_once('=') else {
            return Err(Failure(
                format!("--var {pair:?} needs the form NAME=VALUE"),
                EXIT_USAGE,
            ));
        };
        let name = name.trim().trim_start_matches('$').to_owned();
        given.retain(|g| g.name != name);
        given.push(GivenVariable {
            name,
            flag: "--var",
            value: GivenValue::Text(text.to_owned()),
        });
    }
    Ok(given)
}

impl GivenVariable {
    /// A terminal acts on control characters (an escape sequence in a
    /// build message shows up wherever it is printed): refused, however
    /// it was given. Tabs and line breaks are text.
    fn refuse_control_characters(&self) -> Result<(), Failure> {
        let found = first_control_character(&self.name).or_else(|| match &self.value {
            GivenValue::Text(text) => first_control_character(text),
            GivenValue::Json(value) => control_character_in_json(value),
        });
        match found {
            None => Ok(()),
            Some(c) => Err(Failure(
                format!(
                    "{} ${}: holds the control character U+{:04X}; remove it (terminals act on such characters)",
                    self.flag,
                    sanitize_line(&self.name),
                    u32::from(c)
                ),
                EXIT_USAGE,
            )),
        }
    }

    /// The value typed by the operation's definition of the variable; a
    /// usage error when the operation declares no such variable or the
    /// value is not of its type.
    fn typed(&self, slug: &str, operation: &variables::Operation) -> Result<Value, Failure> {
        let Some(definition) = operation.variables.iter().find(|v| v.name == self.name) else {
            let declared: Vec<String> = operation
                .variables
                .iter()
                .map(|v| format!("${} ({})", v.name, v.type_name))
                .collect();
            let declared = if declared.is_empty() {
                "it declares none".to_owned()
            } else {
                format!("it declares {}", declared.join(", "))
            };
            return Err(Failure(
                format!(
                    "{} ${}: operation {} of portal `{slug}` has no such variable; {declared}",
                    self.flag,
                    sanitize_line(&self.name),
                    operation_label(operation)
                ),
                EXIT_USAGE,
            ));
        };
        let typed = match &self.value {
            GivenValue::Text(text) => definition.coerce(text),
            // JSON text is what `--var` would be given for the same value;
            // a string is its text, and the text "null" stays a string.
            GivenValue::Json(Value::String(text)) if text.trim() == "null" => {
                Ok(Value::String(text.clone()))
            }
            GivenValue::Json(Value::String(text)) => definition.coerce(text),
            GivenValue::Json(other) => definition.coerce(&other.to_string()),
        };
        typed.map_err(|e| Failure(format!("{} {e}", self.flag), EXIT_USAGE))
    }

    /// As sent when the document is not known: `--var` as text, the file's JSON as it is.
    fn untyped(&self) -> Value {
        match &self.value {
            GivenValue::Text(text) => Value::String(text.clone()),
            GivenValue::Json(value) => value.clone(),
        }
    }
}

fn first_control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

fn control_character_in_json(value: &Value) -> Option<char> {
    match value {
        Value::String(text) => first_control_character(text),
        Value::Array(items) => items.iter().find_map(control_character_in_json),
        Value::Object(members) => members.iter().find_map(|(key, value)| {
            first_control_character(key).or_else(|| control_character_in_json(value))
        }),
        _ => None,
    }
}

/// `--vars-file`'s object, or an empty one.
fn vars_file_object(args: &InvokeArgs) -> Result<serde_json::Map<String, Value>, Failure> {
    let Some(path) = &args.vars_file else {
        return Ok(serde_json::Map::new());
    };
    let text = read_input(path, "the variables file")?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Err(e) => Err(Failure(
            format!(
                "{}:{}:{}: does not parse as JSON: {}",
                path.display(),
                e.line(),
                e.column(),
                json_error_reason(&e)
            ),
            EXIT_USAGE,
        )),
        Ok(_) => Err(Failure(
            format!(
                "{} must hold a JSON object of variables, like {{\"branch\": \"main\"}}",
                path.display()
            ),
            EXIT_USAGE,
        )),
    }
}

/// What serde_json says is wrong, without its own "at line L column C"
/// (the message gives the place first, as `FILE:LINE:COL`).
fn json_error_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let reason = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(r, _)| r);
    sanitize_line(reason)
}

/// The operations of the portal's document as Buildkite has it; None when
/// it cannot be read (no API token, say) or does not parse: the portal
/// itself then says what is wrong. A portal Buildkite does not have is an
/// error: no token or variable would make it run.
async fn portal_operations(
    session: &Session,
    slug: &str,
) -> Result<Option<Vec<variables::Operation>>, Failure> {
    let Ok(rest) = session.rest() else {
        return Ok(None);
    };
    let document = match rest.get(slug).await {
        Ok(portal) => portal.query,
        Err(ApiError::NotFound { .. }) => {
            return Err(Failure(
                format!(
                    "organization `{}` has no portal `{slug}`: `bkportals list` shows its portals",
                    session.org()
                ),
                EXIT_FAILED,
            ))
        }
        Err(e) => {
            // A plain `warning:` line, as the CLI's others (no log line).
            super::warn(format!(
                "variables are sent as text and not checked: could not fetch the portal's document ({e})"
            ));
            return Ok(None);
        }
    };
    Ok(variables::operations(&document).ok())
}

/// How an operation is named in messages.
fn operation_label(operation: &variables::Operation) -> String {
    match &operation.name {
        Some(name) => name.clone(),
        None => format!("(an anonymous {})", operation.kind),
    }
}

/// The operation `--operation` names, or the document's only one; a usage
/// error naming the operations there are otherwise.
fn chosen_operation(
    slug: &str,
    mut operations: Vec<variables::Operation>,
    wanted: Option<&str>,
) -> Result<variables::Operation, Failure> {
    let at = match wanted {
        Some(wanted) => operations
            .iter()
            .position(|o| o.name.as_deref() == Some(wanted)),
        None if operations.len() == 1 => Some(0),
        None => None,
    };
    if let Some(at) = at {
        return Ok(operations.swap_remove(at));
    }
    let names: Vec<String> = operations.iter().map(operation_label).collect();
    let message = match wanted {
        Some(wanted) if names.is_empty() => format!(
            "portal `{slug}` has no operation `{}`: its document has none",
            sanitize_line(wanted)
        ),
        Some(wanted) => format!(
            "portal `{slug}` has no operation `{}`; its document has: {}",
            sanitize_line(wanted),
            names.join(", ")
        ),
        None if names.is_empty() => {
            format!("portal `{slug}`'s document has no operation to run")
        }
        None => format!(
            "portal `{slug}`'s document has {} operations ({}): pass --operation NAME to pick one",
            names.len(),
            names.join(", ")
        ),
    };
    Err(Failure(message, EXIT_USAGE))
}

/// A usage error naming each required variable (non-null, no default) the
/// variables do not give, with its type and the flag that gives it.
fn required_variables_given(
    slug: &str,
    operation: &variables::Operation,
    given: &serde_json::Map<String, Value>,
) -> Result<(), Failure> {
    let missing: Vec<String> = operation
        .variables
        .iter()
        .filter(|v| v.required && given.get(&v.name).is_none_or(Value::is_null))
        .map(|v| format!("${} ({}): pass --var {}=VALUE", v.name, v.type_name, v.name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let noun = if missing.len() == 1 {
        "a required variable"
    } else {
        "required variables"
    };
    Err(Failure(
        format!(
            "operation {} of portal `{slug}` needs {noun} not given: {} (or put it in --vars-file)",
            operation_label(operation),
            missing.join("; ")
        ),
        EXIT_USAGE,
    ))
}

/// Prints the answer as it arrives, so a large one never sits in memory:
/// the status first (on stderr, or at the head of the `--json` object), the
/// body piece by piece, then its GraphQL errors. True when the run succeeded;
/// an error when the answer is not a GraphQL answer (exit 1).
async fn print_answer(
    out: Output,
    mut answer: InvokeStream,
    record: &mut Record,
) -> Result<bool, Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    let layout = if out.json {
        let head = json!({ "status": answer.status, "rate_limit": answer.rate_limit }).to_string();
        // `{"status":...,"body":<the body>,"elapsed_ms":...}`: the head without its brace.
        let head = head.strip_suffix('}').unwrap_or(&head);
        write!(stdout, "{head},\"body\":")?;
        Layout::Compact
    } else {
        let mut summary = format!(
            "HTTP {} in {}",
            answer.status,
            human_duration(answer.elapsed)
        );
        if let (Some(remaining), Some(limit)) =
            (answer.rate_limit.remaining, answer.rate_limit.limit)
        {
            summary.push_str(&format!(" · {remaining}/{limit} calls left this minute"));
        }
        eprintln!("{summary}");
        Layout::Pretty
    };
    let content_type = answer.content_type().map(str::to_owned);
    let mut printer = AnswerPrinter::new(&mut stdout, layout);
    while let Some(chunk) = answer.next_chunk().await? {
        record.push(&chunk);
        printer.push(&chunk)?;
    }
    let printed = printer.finish()?;
    if out.json {
        let elapsed_ms = answer.elapsed_so_far().as_millis();
        writeln!(stdout, ",\"elapsed_ms\":{elapsed_ms}}}")?;
    }
    stdout.flush()?;
    if printed.incomplete_json {
        eprintln!("warning: the answer ended before its JSON was complete");
    }
    for error in &printed.errors {
        eprintln!("GraphQL error: {}", sanitize_line(&error.message));
    }
    if !printed.incomplete_json {
        if let Some(why) = not_a_graphql_answer(record, answer.status, content_type.as_deref()) {
            return Err(Failure(why, EXIT_FAILED));
        }
    }
    Ok(
        (200..300).contains(&answer.status)
            && printed.errors.is_empty()
            && !printed.incomplete_json,
    )
}

/// Why the answer (its start, as the record keeps it) is not a GraphQL
/// answer, when it is not: text (a proxy's error page, say) instead of
/// JSON, nothing at all, or, from a 2xx, JSON with neither `data` nor
/// `errors`. A cut JSON answer is said by the printer already.
fn not_a_graphql_answer(
    record: &Record,
    status: u16,
    content_type: Option<&str>,
) -> Option<String> {
    let kept = String::from_utf8_lossy(&record.answer);
    let sent_as = content_type
        .map(|t| format!(" ({})", sanitize_line(t)))
        .unwrap_or_default();
    let start = kept.trim_start();
    match start.chars().next() {
        None => Some(format!("the answer is empty{sent_as}")),
        Some('{' | '[') => {
            // A long answer is not read back whole here: its start is JSON.
            let whole = record.answer.len() as u64 == record.entry.answer_bytes;
            let graphql = !whole || GraphqlEnvelope::parse(start).is_some();
            (!graphql && (200..300).contains(&status)).then(|| {
                format!(
                    "the answer is JSON{sent_as} but not a GraphQL answer: it has neither `data` nor `errors`"
                )
            })
        }
        Some(_) => Some(format!(
            "the answer is not JSON{sent_as}: the portal, or a proxy in front of it, sent something else (printed as it came, made safe)"
        )),
    }
}

pub(super) fn human_duration(d: Duration) -> String {
    if d.as_millis() >= 1000 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}
