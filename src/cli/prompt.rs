//! Reading a token a person pastes: from a terminal without echo, or from
//! stdin when it is a pipe (`pass show buildkite | bkportals auth login`).

use std::io::{BufRead, IsTerminal, Read, Write};

use super::{Failure, EXIT_USAGE};
use crate::secrets::Secret;

/// The most a piped token may be: a token is short; more is a wrong file.
const MAX_PIPED: u64 = 64 << 10;

/// Reads one token. On a terminal `prompt` is shown on stderr and what is
/// typed is not echoed; from a pipe the whole input (trimmed) is the token.
pub(super) fn read_token(prompt: &str) -> Result<Secret, Failure> {
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let line = read_line_without_echo(&stdin);
        eprintln!();
        line.map_err(|e| Failure(format!("could not read the token: {e}"), EXIT_USAGE))?
    } else {
        let mut text = String::new();
        stdin
            .lock()
            .take(MAX_PIPED)
            .read_to_string(&mut text)
            .map_err(|e| {
                Failure(
                    format!("could not read the token from stdin: {e}"),
                    EXIT_USAGE,
                )
            })?;
        text
    };
    let token = text.trim();
    if token.is_empty() {
        return Err(Failure(
            "no token was given: paste it at the prompt, or pipe it on stdin".into(),
            EXIT_USAGE,
        ));
    }
    if token.chars().any(char::is_whitespace) {
        return Err(Failure(
            "that is not one token (it holds spaces or several lines): give the token alone".into(),
            EXIT_USAGE,
        ));
    }
    Ok(Secret::new(token))
}

/// True when a person can answer a prompt (stdin and stderr are terminals).
pub(super) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

#[cfg(unix)]
mod echo;

#[cfg(unix)]
fn read_line_without_echo(stdin: &std::io::Stdin) -> std::io::Result<String> {
    use std::os::fd::AsRawFd;
    let quiet = echo::EchoOff::on(stdin.as_raw_fd())?;
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    // Restored before any error is looked at: a terminal left silent is worse.
    let restored = quiet.restore();
    read?;
    restored?;
    Ok(line)
}

#[cfg(not(unix))]
fn read_line_without_echo(stdin: &std::io::Stdin) -> std::io::Result<String> {
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line)
}
