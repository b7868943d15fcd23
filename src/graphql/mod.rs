//! Pure analysis of GraphQL documents. No I/O, no UI.

pub mod diagnostics;
pub mod format;
pub mod highlight;
pub mod introspection;
pub mod schema;
pub mod variables;
