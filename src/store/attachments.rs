//! Attachment files fetched from the channels into the data directory: what
//! is wanted, what was fetched (the file's SHA-256, size and type) and what
//! failed. The files themselves live under `DATA/attachments/`, named by
//! their SHA-256; the events keep the channel's reference, unchanged.

use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::error::Result;
use super::{Actor, AuditSpec, Store, Tx};

/// `{instance}/{reference}` → encoded [`Attachment`].
pub const ATTACHMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("attachments");
/// Keys of the attachments still to fetch.
pub const ATTACHMENTS_PENDING: TableDefinition<&str, ()> = TableDefinition::new("attachments_pending");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// The conversation it was sent in (who may read it follows from there).
    pub conversation: String,
    pub name: Option<String>,
    pub mime: Option<String>,
    /// Set once fetched.
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub attempts: u32,
    pub error: Option<String>,
}

impl Tx<'_> {
    /// Asks for an attachment to be fetched (once: a known key is left as it is).
    pub fn attachment_wanted(&mut self, key: &str, a: &Attachment) -> Result<()> {
        let mut t = self.txn.open_table(ATTACHMENTS)?;
        if t.get(key)?.is_none() {
            t.insert(key, encode(a).as_slice())?;
            self.txn.open_table(ATTACHMENTS_PENDING)?.insert(key, ())?;
        }
        Ok(())
    }
}

impl Store {
    /// Up to `limit` attachments waiting to be fetched.
    pub fn attachments_pending(&self, limit: usize) -> Result<Vec<(String, Attachment)>> {
        let txn = self.begin_read()?;
        let pending = txn.open_table(ATTACHMENTS_PENDING)?;
        let all = txn.open_table(ATTACHMENTS)?;
        let mut out = Vec::new();
        for item in pending.iter()? {
            let key = item?.0.value().to_string();
            if let Some(v) = all.get(key.as_str())? {
                out.push((key, decode(v.value(), "attachment")?));
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    pub fn attachment(&self, key: &str) -> Result<Option<Attachment>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(ATTACHMENTS)?;
        t.get(key)?.map(|v| decode(v.value(), "attachment")).transpose()
    }

    /// Records a fetch (or a failed attempt); `done` takes it off the pending list.
    pub fn attachment_update(&self, key: &str, a: &Attachment, done: bool) -> Result<()> {
        let action = if a.sha256.is_some() { "attachment.fetched" } else { "attachment.failed" };
        let spec = AuditSpec::new(&Actor::system(), action, key)
            .detail(a.sha256.clone().or(a.error.clone()).unwrap_or_default());
        self.write(spec, |tx| {
            tx.txn.open_table(ATTACHMENTS)?.insert(key, encode(a).as_slice())?;
            if done {
                tx.txn.open_table(ATTACHMENTS_PENDING)?.remove(key)?;
            }
            Ok(())
        })
    }
}
