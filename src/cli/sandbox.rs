//! `sandbox`: run the embedded Buildkite, or act on one as its web pages
//! would (approve a sign-in code, a portal's Security page).

use std::io::Write;

use super::{Failure, Outcome, Output, SandboxAction, SandboxArgs, EXIT_FAILED, EXIT_USAGE};
use crate::sandbox::{self, SandboxOptions};
use crate::text::sanitize_line;

mod security;

/// The running sandbox's address, from `--sandbox` or $BUILDKITE_PORTAL_ENDPOINT.
fn sandbox_url(sandbox: Option<&str>) -> Result<url::Url, Failure> {
    let base = sandbox.ok_or_else(|| {
        Failure(
            "which sandbox? pass --sandbox URL or set BUILDKITE_PORTAL_ENDPOINT (the sandbox prints it)".into(),
            EXIT_USAGE,
        )
    })?;
    url::Url::parse(base)
        .map_err(|e| Failure(format!("--sandbox {base}: not a URL ({e})"), EXIT_USAGE))
}

/// The words of an HTML page, on one line, made safe for the terminal.
fn page_words(html: &str) -> String {
    let words: String = html
        .split(['<', '>'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" ");
    sanitize_line(
        words
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim(),
    )
}

/// The `<h1>` of an approval page as one sentence, made safe for the
/// terminal; the page's words when it has no heading.
fn outcome_line(html: &str) -> String {
    let heading = html
        .split_once("<h1>")
        .and_then(|(_, rest)| rest.split_once("</h1>"))
        .map(|(heading, _)| page_words(heading))
        .filter(|heading| !heading.is_empty());
    let Some(heading) = heading else {
        return page_words(html);
    };
    // The sandbox escapes what it puts in the page (a user's name).
    let heading = heading
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    if heading.ends_with(['.', '!', '?']) {
        heading
    } else {
        format!("{heading}.")
    }
}

/// Signs in on the approval page as `user` (the sandbox's administrator
/// when `None`), as a person does first: the session cookie.
async fn sign_in(
    client: &reqwest::Client,
    base: &url::Url,
    code: &str,
    user: Option<&str>,
) -> Result<String, Failure> {
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push("sign-in");
    }
    let next = format!("/authorize/{code}");
    let mut form = vec![("next", next.as_str())];
    if let Some(user) = user {
        form.push(("email", user));
    }
    let response = client.post(url).form(&form).send().await?;
    let cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    match cookie {
        Some(cookie) if response.status().is_redirection() => Ok(cookie),
        _ => {
            let text = response.text().await.unwrap_or_default();
            Err(Failure(
                format!("signing in on the sandbox failed: {}", page_words(&text)),
                EXIT_FAILED,
            ))
        }
    }
}

async fn approve_code(
    code: &str,
    user: Option<&str>,
    deny: bool,
    sandbox: Option<&str>,
) -> Outcome {
    let base = sandbox_url(sandbox)?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = sign_in(&client, &base, code, user).await?;
    let mut url = base;
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .extend(["authorize", code, if deny { "deny" } else { "approve" }]);
    }
    let response = client
        .post(url)
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await?;
    let status = response.status();
    let page = response.text().await.unwrap_or_default();
    if status.is_success() {
        // The page's heading as a shell line ("Approved as Jordan Builder."),
        // not its words for a browser ("You can close this tab").
        eprintln!("{}", outcome_line(&page));
        Ok(0)
    } else {
        Err(Failure(
            format!("the sandbox said: {}", page_words(&page)),
            EXIT_FAILED,
        ))
    }
}

pub(super) async fn run_sandbox(args: SandboxArgs, org: Option<&str>, out: Output) -> Outcome {
    if let Some(action) = &args.action {
        if let Some(outcome) = security::run(action, org, out).await {
            return outcome;
        }
    }
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
