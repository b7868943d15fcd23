//! bkportals: manage Buildkite portals from the terminal.
//!
//! The app (`cli`, `tui`) over three crates Cargo keeps apart:
//! `bkportals-graphql` (pure analysis), `bkportals-client` (speaks to
//! Buildkite, keeps files) and `bkportals-sandbox` (the embedded Buildkite,
//! sharing nothing with the client). They are re-exported under their
//! module names. See ARCHITECTURE.md for who may import whom.

pub use bkportals_client::{
    audit, buildkite, config, drafts, fsutil, history, portfile, schema_cache, secrets, slug_cache,
    text,
};
pub use bkportals_graphql as graphql;
pub use bkportals_sandbox as sandbox;

pub mod api_token;
pub mod cli;
pub mod desktop;
pub mod doctor;
pub mod tui;
