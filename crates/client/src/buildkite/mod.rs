//! Everything that speaks HTTP to Buildkite. No UI code here.

pub mod body;
mod cause;
pub mod curl;
mod endpoint;
pub mod error;
pub mod graphql_api;
pub mod http;
pub mod invoke;
pub mod portal;
pub mod rest;
pub mod short_tokens;
pub mod slug;
pub mod token_check;

pub use body::ResponseBody;
pub use error::ApiError;
pub use http::{ClientOptions, Notice, Notices, RateLimit};
pub use invoke::{InvokeResponse, InvokeStream, KeptAnswer, PortalClient};
pub use portal::{CreatedPortal, NewPortal, Portal, PortalChanges, PortalRecord};
pub use rest::{AccessToken, RestClient};
pub use short_tokens::{poll_interval, DeviceCode, Exchange, ShortLivedToken};
pub use token_check::TokenCheck;
