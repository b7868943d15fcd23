//! A portal invocation as a curl command a person can paste: the URL (with
//! `operation_name`), the headers bkportals sends and the JSON body. The
//! token is always `$TOKEN`, never its value.

use url::Url;

/// The environment variable the command reads the token from.
pub const TOKEN_VARIABLE: &str = "TOKEN";

/// `curl` for `POST url` with `variables` as the body, one option a line.
/// The body is compact JSON with C1, DEL and bidi controls escaped, so the
/// command is safe to print and sends the same values.
pub fn invocation(url: &Url, variables: &serde_json::Value) -> String {
    let mut body = Vec::new();
    // Writing to a Vec cannot fail; a value that does not serialize is `{}`.
    if crate::text::write_json(&mut body, variables).is_err() {
        body = b"{}".to_vec();
    }
    let body = String::from_utf8_lossy(&body);
    [
        format!("curl -X POST {}", shell_quote(url.as_str())),
        // Double quotes: the shell puts the token in, the command never holds it.
        format!("-H \"Authorization: Bearer ${TOKEN_VARIABLE}\""),
        format!("-H {}", shell_quote("Content-Type: application/json")),
        format!("-H {}", shell_quote("Accept: application/json")),
        format!("--data-raw {}", shell_quote(&body)),
    ]
    .join(" \\\n  ")
}

/// Single-quoted for a POSIX shell: nothing inside is expanded.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_quotes_what_a_shell_would_expand_and_names_the_token_variable() {
        let url = Url::parse(
            "https://portal.buildkite.com/organizations/acme/portals/builds?operation_name=Get",
        )
        .unwrap();
        let command = invocation(&url, &serde_json::json!({ "branch": "it's $HOME `x`" }));
        assert_eq!(
            command,
            "curl -X POST 'https://portal.buildkite.com/organizations/acme/portals/builds?operation_name=Get' \\\n  \
             -H \"Authorization: Bearer $TOKEN\" \\\n  \
             -H 'Content-Type: application/json' \\\n  \
             -H 'Accept: application/json' \\\n  \
             --data-raw '{\"branch\":\"it'\\''s $HOME `x`\"}'"
        );
        let bidi = invocation(&url, &serde_json::json!({ "x": "a\u{202e}b" }));
        assert!(bidi.contains(r"a\u202eb"), "{bidi}");
    }
}
