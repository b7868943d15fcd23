//! GraphQL tokens with the layout around them: what the formatter and
//! completion read. (Highlighting has its own line-by-line lexer, since it
//! must colour text that does not parse.)

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

/// Every token of `text`, commas and white space dropped. Fails only on an
/// unclosed string.
pub fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut newlines = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let kind = match c {
            '\n' => {
                newlines += 1;
                i += 1;
                continue;
            }
            ' ' | '\t' | '\r' | ',' | '\u{feff}' => {
                i += 1;
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' && chars[i] != '\r' {
                    i += 1;
                }
                Kind::Comment
            }
            '"' if chars[i..].starts_with(&['"', '"', '"']) => {
                i += 3;
                loop {
                    if i >= chars.len() {
                        return Err("a block string is not closed".into());
                    }
                    if chars[i] == '\\' && chars[i + 1..].starts_with(&['"', '"', '"']) {
                        i += 4;
                    } else if chars[i..].starts_with(&['"', '"', '"']) {
                        i += 3;
                        break;
                    } else {
                        i += 1;
                    }
                }
                Kind::BlockString
            }
            '"' => {
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err("a string is not closed".into()),
                        Some('\\') => i += 2,
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                Kind::String
            }
            '.' if chars[i..].starts_with(&['.', '.', '.']) => {
                i += 3;
                Kind::Punct
            }
            c if c == '-' || c.is_ascii_digit() => {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || chars[i] == '.'
                        || ((chars[i] == '-' || chars[i] == '+')
                            && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                Kind::Number
            }
            c if c == '_' || c.is_ascii_alphabetic() => {
                while i < chars.len() && (chars[i] == '_' || chars[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                Kind::Name
            }
            _ => {
                i += 1;
                Kind::Punct
            }
        };
        tokens.push(Token {
            kind,
            text: chars[start..i]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_owned(),
            newline_before: newlines > 0,
            blank_before: newlines > 1,
        });
        newlines = 0;
    }
    Ok(tokens)
}
