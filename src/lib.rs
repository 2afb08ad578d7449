//! chatledger: every customer conversation in one tamper-evident record.
//!
//! Layers, each calling only those below: `http` → `ingest`/`record`/`auth`
//! → `store` → `domain`. `main.rs` is a thin CLI over [`cli`].

pub mod auth;
pub mod channels;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod ingest;
pub mod logging;
pub mod metrics;
pub mod qa;
pub mod record;
pub mod search;
pub mod store;
