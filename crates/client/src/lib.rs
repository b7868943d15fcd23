//! Everything of bkportals that speaks to Buildkite or keeps its files: the
//! REST and portal clients, short-lived tokens, introspection, settings, the
//! token store, the schema cache, drafts on disk, and the sanitizer every
//! server string passes. No UI.

pub mod audit;
pub mod buildkite;
pub mod config;
pub mod drafts;
pub mod fsutil;
pub mod history;
pub mod portfile;
pub mod schema_cache;
pub mod secrets;
pub mod slug_cache;
pub mod text;

/// The pure GraphQL layer, under the name the client's modules use.
pub use bkportals_graphql as graphql;
