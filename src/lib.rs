//! bkportals: manage Buildkite portals from the terminal.
//!
//! See ARCHITECTURE.md for the modules and who may import whom.

pub mod buildkite;
pub mod cli;
pub mod config;
pub mod desktop;
pub mod doctor;
pub mod drafts;
pub mod fsutil;
pub mod graphql;
pub mod sandbox;
pub mod schema_cache;
pub mod secrets;
pub mod text;
pub mod tui;
