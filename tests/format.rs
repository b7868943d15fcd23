//! The formatter over every document of the corpus (`tests/documents`):
//! stable (formatting twice changes nothing), comments kept, meaning kept.

use std::path::PathBuf;

use bkportals::graphql::diagnostics::parse_diagnostics;
use bkportals::graphql::format::format;

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents");
    let mut documents: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the corpus directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "graphql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).expect("readable"))
        })
        .collect();
    documents.sort();
    documents
}

/// The document's tokens, without layout and commas: what formatting must keep.
fn significant(text: &str) -> Vec<String> {
    use apollo_parser::cst::CstNode;
    use apollo_parser::SyntaxKind;
    let tree = apollo_parser::Parser::new(text).parse();
    tree.document()
        .syntax()
        .descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| !matches!(token.kind(), SyntaxKind::WHITESPACE | SyntaxKind::COMMA))
        .map(|token| token.text().trim_end().to_owned())
        .collect()
}

#[test]
fn formatting_is_stable_and_keeps_every_token_and_comment() {
    let mut formatted_any = 0;
    for (name, text) in corpus() {
        if !parse_diagnostics(&text).is_empty() {
            assert!(
                format(&text).is_err(),
                "{name}: a broken document is refused"
            );
            continue;
        }
        let once = format(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let twice = format(&once).unwrap_or_else(|e| panic!("{name} again: {e}"));
        assert_eq!(once, twice, "{name}: formatting twice changes nothing");
        assert_eq!(
            significant(&text),
            significant(&once),
            "{name}: the same tokens and comments, in the same order\n{once}"
        );
        formatted_any += 1;
    }
    assert!(formatted_any >= 15, "the corpus has documents to format");
}
