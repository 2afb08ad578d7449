//! Turning outside formats into events: NDJSON import (and, later, channels).

pub mod lines;
pub mod ndjson;

pub use ndjson::{Committed, ImportOptions, ImportProgress, ImportSummary, Rejected, import, import_followed};
pub mod demo;
