//! Pure analysis of GraphQL documents. No I/O, no UI.

pub mod completion;
pub mod complexity;
pub mod diagnostics;
pub mod format;
pub mod fuzzy;
pub mod highlight;
pub mod introspection;
pub mod lexer;
pub mod lint;
pub mod schema;
pub mod semantic_diff;
pub mod terminal;
pub mod variables;
