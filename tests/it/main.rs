//! Integration tests: one binary, real redb files, real HTTP on 127.0.0.1,
//! the real CLI binary.

mod common;

mod accessibility;
mod auth_api;
mod channel_fixtures;
mod channel_replies;
mod channels_api;
mod cli_import;
mod faults;
mod imap_poll;
mod layering;
mod metrics_api;
mod mock_http;
mod qa_api;
mod record_api;
mod search_api;
mod search_index;
mod tamper;
mod upgrade;
mod web_ui;
mod widget;
