//! The tamper-evident audit chain.
//!
//! Each entry stores `SHA-256(entry bytes) ‖ entry bytes`; an entry names the
//! hash of the one before it, and a write's entry also names the hash of the
//! exact stored bytes of the events it appended. Changing an event, an entry,
//! or removing either breaks a link that `verify` checks.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::codec::{decode, encode};
use super::error::{Result, StoreError};
use crate::domain::time::Millis;

pub type Hash = [u8; 32];

/// Who did something, and from where.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// `user:NAME`, `token:ID`, `cli`, `system`, ...
    pub who: String,
    pub request_id: Option<String>,
    pub client: Option<String>,
}

impl Actor {
    pub fn cli() -> Self {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor { who: format!("cli:{user}"), request_id: None, client: Some("local".into()) }
    }
    pub fn system() -> Self {
        Actor { who: "system".into(), ..Default::default() }
    }
}

/// What an audit entry records: an action on a target.
#[derive(Debug, Clone)]
pub struct AuditSpec {
    pub actor: Actor,
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
}

impl AuditSpec {
    pub fn new(actor: &Actor, action: &str, target: impl Into<String>) -> Self {
        AuditSpec { actor: actor.clone(), action: action.into(), target: target.into(), detail: None }
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub ts: Millis,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub client: Option<String>,
    /// First global event seq this write appended (0 when none).
    pub first_event: u64,
    pub event_count: u64,
    pub events_hash: Option<Hash>,
    /// Hash of a record this entry wrote outside the event log (a user, a token).
    pub data_hash: Option<Hash>,
    pub prev: Hash,
}

pub fn seal(entry: &AuditEntry) -> (Hash, Vec<u8>) {
    let body = encode(entry);
    let hash: Hash = Sha256::digest(&body).into();
    let mut stored = Vec::with_capacity(32 + body.len());
    stored.extend_from_slice(&hash);
    stored.extend_from_slice(&body);
    (hash, stored)
}

/// Splits a stored entry into its recorded hash, the hash its bytes have now, and the entry.
pub fn unseal(stored: &[u8]) -> Result<(Hash, Hash, AuditEntry)> {
    if stored.len() < 33 {
        return Err(StoreError::Corrupt("audit entry too short".into()));
    }
    let (h, body) = stored.split_at(32);
    let recorded: Hash = h.try_into().expect("32 bytes");
    let actual: Hash = Sha256::digest(body).into();
    Ok((recorded, actual, decode(body, "audit entry")?))
}

/// Incremental hash of the events one write appends, in seq order.
#[derive(Default, Clone)]
pub struct EventsHasher {
    h: Sha256,
    pub first: u64,
    pub count: u64,
}

impl EventsHasher {
    pub fn add(&mut self, seq: u64, bytes: &[u8]) {
        if self.count == 0 {
            self.first = seq;
        }
        self.count += 1;
        self.h.update(seq.to_le_bytes());
        self.h.update((bytes.len() as u64).to_le_bytes());
        self.h.update(bytes);
    }
    pub fn finish(self) -> Option<Hash> {
        (self.count > 0).then(|| self.h.finalize().into())
    }
}

pub fn hash_bytes(b: &[u8]) -> Hash {
    Sha256::digest(b).into()
}

/// The chain's head as shown to auditors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

impl super::Store {
    /// Audit entries, newest first, before `before` (exclusive).
    pub fn audit_entries(&self, before: Option<u64>, limit: usize) -> Result<Vec<AuditEntry>> {
        use redb::ReadableTable;
        let txn = self.begin_read()?;
        let t = txn.open_table(super::tables::AUDIT)?;
        let mut out = Vec::new();
        for item in t.range(..before.unwrap_or(u64::MAX))?.rev() {
            let (_, v) = item?;
            out.push(unseal(v.value())?.2);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}

impl super::Store {
    /// The recorded hash of audit entry `seq`, hex.
    pub fn audit_hash(&self, seq: u64) -> Result<Option<String>> {
        use redb::ReadableTable;
        let txn = self.begin_read()?;
        let t = txn.open_table(super::tables::AUDIT)?;
        Ok(match t.get(seq)? {
            Some(v) => Some(hex::encode(unseal(v.value())?.0)),
            None => None,
        })
    }
}
