//! Domain types shared by every layer: events, channels, roles, time.
//! Nothing here knows about HTTP, redb or Tantivy.

pub mod event;
pub mod parse;
mod parse_fast;
pub mod role;
pub mod routing;
pub mod time;

pub use event::*;
pub use role::{AgentRole, UserRole};
