//! Quality review: versioned scorecards, reviews scored with the published
//! formulas, and the internal quality score (IQS) per agent, team and period.
//! (Disputes, calibration, automatic checks and sampling come next; see the
//! issue tracker.)

pub mod calibration;
pub mod checks;
pub mod review;
pub mod sampling;
pub mod score;
pub mod scorecard;
pub mod service;
