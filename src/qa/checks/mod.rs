//! Automatic checks on every conversation: deterministic rules (greeting,
//! closing, abuse, moving the customer off the platform, sensitive data,
//! SLA, unanswered, long silences) whose findings give an automatic quality
//! score (AQS) per agent, and which a reviewer may dismiss.

pub mod detect;
pub mod engine;
pub mod run;
