//! Team performance metrics, exactly as the specification's metric
//! definitions (version 1) give them: the rules for one conversation
//! ([`rules`]) run over compact in-memory facts ([`compact`], [`ledger`]) and
//! are aggregated on demand for any period, grouping and filter ([`query`]).

pub mod bucket;
pub mod clock;
pub mod compact;
pub mod conv_rows;
pub mod csv_out;
pub mod engine;
pub mod items;
pub mod ledger;
pub mod query;
pub mod report;
pub mod rules;
pub mod runner;
pub mod samples;
pub mod schedule;
pub mod scorecard;
pub mod service;
pub mod settings;
pub mod stats;
pub mod timeline;

#[cfg(test)]
mod query_test;
#[cfg(test)]
mod timeline_test;
