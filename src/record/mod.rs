//! The record as people read it: a conversation's timeline with revisions,
//! recalls, notes and routing, shaped for the API and the UI.

pub mod timeline;
pub mod views;
