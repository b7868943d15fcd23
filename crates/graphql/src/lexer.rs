//! GraphQL tokens with the layout around them: what the formatter and
//! completion read.

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Name,
    Number,
    String,
    BlockString,
    Comment,
    Punct,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    /// A line break separates it from the token before (comments only care).
    pub newline_before: bool,
    /// An empty line separates it from the token before.
    pub blank_before: bool,
}

/// Every token of `text`, commas and white space dropped, from apollo-parser's
/// lexer (the tokens the parser and the highlighter see). Fails only on an
/// unclosed string; a character the lexer refuses is kept as punctuation.
pub fn lex(text: &str) -> Result<Vec<Token>, String> {
    use apollo_parser::{Lexer, TokenKind};
    let mut tokens = Vec::new();
    let mut newlines = 0;
    for item in Lexer::new(text) {
        let (kind, data): (Kind, String) = match item {
            Ok(token) => match token.kind() {
                TokenKind::Eof => break,
                TokenKind::Whitespace => {
                    newlines += line_breaks(token.data());
                    continue;
                }
                TokenKind::Comma => continue,
                TokenKind::Name => (Kind::Name, token.data().to_owned()),
                TokenKind::Int | TokenKind::Float => (Kind::Number, token.data().to_owned()),
                TokenKind::StringValue if token.data().starts_with("\"\"\"") => {
                    (Kind::BlockString, token.data().to_owned())
                }
                TokenKind::StringValue => (Kind::String, token.data().to_owned()),
                TokenKind::Comment => (Kind::Comment, token.data().to_owned()),
                _ => (Kind::Punct, token.data().to_owned()),
            },
            Err(error) if error.data().starts_with("\"\"\"") => {
                return Err("a block string is not closed".into())
            }
            Err(error) if error.data().starts_with('"') => {
                return Err("a string is not closed".into())
            }
            Err(error) if error.is_limit() || error.data().is_empty() => continue,
            Err(error) => (Kind::Punct, error.data().to_owned()),
        };
        tokens.push(Token {
            kind,
            text: data.trim_end().to_owned(),
            newline_before: newlines > 0,
            blank_before: newlines > 1,
        });
        newlines = 0;
    }
    Ok(tokens)
}

/// Line breaks in white space (CRLF, LF and a lone CR each count once).
fn line_breaks(space: &str) -> usize {
    space.matches('\n').count() + space.matches('\r').count() - space.matches("\r\n").count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_the_layout_around_them_and_strays_stay_punctuation() {
        let tokens =
            lex("query {\n\n  a(x: \"s\", y: 1.5) # note\r\n  ^ \"\"\"b\nc\"\"\"\n}").unwrap();
        let seen: Vec<(&Kind, &str, bool, bool)> = tokens
            .iter()
            .map(|t| (&t.kind, t.text.as_str(), t.newline_before, t.blank_before))
            .collect();
        assert_eq!(
            seen[2],
            (&Kind::Name, "a", true, true),
            "after an empty line"
        );
        assert_eq!(seen[6], (&Kind::String, "\"s\"", false, false));
        assert_eq!(seen[9], (&Kind::Number, "1.5", false, false));
        assert_eq!(seen[11], (&Kind::Comment, "# note", false, false));
        assert_eq!(
            seen[12],
            (&Kind::Punct, "^", true, false),
            "CRLF is one line break"
        );
        assert_eq!(seen[13].0, &Kind::BlockString);
    }

    #[test]
    fn only_an_unclosed_string_fails() {
        assert!(lex("{ a(s: \"open").unwrap_err().contains("string"));
        assert!(lex("\"\"\"open\n").unwrap_err().contains("block string"));
    }
}
