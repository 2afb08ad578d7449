//! Team performance metrics, exactly as the specification's metric
//! definitions (version 1) give them. This first part is the rules for one
//! conversation's timeline ([`timeline`]) and the aggregate statistics
//! ([`stats`]); storage of the per-conversation facts and the grouped queries
//! build on them.

pub mod stats;
pub mod timeline;

#[cfg(test)]
mod timeline_test;
