//! Turning outside formats into events: NDJSON import (and, later, channels).

pub mod lines;
pub mod ndjson;

pub use ndjson::{ImportOptions, ImportProgress, ImportSummary, Rejected, import};
pub mod demo;
