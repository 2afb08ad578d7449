//! Every redb table of the store, in one place, with the schema version.
//!
//! Source of truth: `EVENTS`, `AUDIT`, `USERS`, `TOKENS`, `SESSIONS`, `SETTINGS`.
//! Everything marked *derived* is rebuilt from `EVENTS` alone by `reindex`.

use redb::TableDefinition;

/// Bumped whenever a table's key or value layout changes; `Store::upkeep` knows each step.
///
/// 1 → 2: a conversation's event index is stored delta-encoded
/// (`event_index.rs`); only derived tables changed, so they are rebuilt from events.
pub const SCHEMA_VERSION: u32 = 2;

/// `schema_version`, `derived_dirty` and other small facts about the store.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// Global sequence number → encoded [`crate::domain::Record`]. Append-only.
pub const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");

/// Audit sequence number → `hash (32 bytes) ‖ encoded AuditEntry`. Append-only.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");

/// User name → encoded `User`.
pub const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// SHA-256 of a session secret → encoded `Session`.
pub const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");
/// SHA-256 of an API token → encoded `ApiToken`.
pub const TOKENS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("api_tokens");
/// Named settings (JSON), e.g. the business-hours schedule.
pub const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");

/// *derived*: external conversation id → internal id.
pub const CONV_IDS: TableDefinition<&str, u64> = TableDefinition::new("conv_ids");
/// *derived*: internal conversation id → encoded `Conversation`: its folded state
/// and the (seq, fingerprint) of each of its events, which serve the timeline and dedup.
pub const CONVERSATIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("conversations");
/// *derived*: internal conversation id → encoded facts: its events in timeline order
/// without their content (no text, edits or recalls), which is all the metrics read.
pub const CONV_FACTS: TableDefinition<u64, &[u8]> = TableDefinition::new("conv_facts");
/// *derived*: (last event ms, internal id) → (), for listing by recency and period.
pub const CONV_BY_ACTIVITY: TableDefinition<(i64, u64), ()> = TableDefinition::new("conv_by_activity");
/// *derived*: (contact id, internal conversation id) → (), a contact's history.
pub const CONTACT_CONVS: TableDefinition<(&str, u64), ()> = TableDefinition::new("contact_convs");
/// *derived*: agent id → encoded `AgentRecord` (records merged, or a stub).
pub const AGENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("agents");
/// *derived*: contact id → encoded `ContactRecord` (records merged).
pub const CONTACTS: TableDefinition<&str, &[u8]> = TableDefinition::new("contacts");

/// Names of the derived tables, deleted and rebuilt by `reindex`.
pub const DERIVED: &[&str] =
    &["conv_ids", "conversations", "conv_facts", "conv_by_activity", "contact_convs", "agents", "contacts"];
