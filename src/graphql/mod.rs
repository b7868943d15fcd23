//! Pure analysis of GraphQL documents. No I/O, no UI.

pub mod variables;
