//! The store: redb tables, transactions, events, derived state, audit chain.
//!
//! Every write is one redb transaction that holds the change, its derived
//! state and its audit entry, and is acknowledged only after `commit()`.

pub mod append;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod codec;
pub mod directory;
pub mod error;
pub mod event_index;
pub mod export;
pub mod facts;
pub mod facts_buf;
pub mod feed;
pub mod file_size;
pub mod inbox;
pub mod outbox;
pub mod qa;
pub mod queries;
pub mod reindex;
pub mod settings;
pub mod stats;
pub mod summary;
pub mod tables;
pub mod users;
pub mod verify;

use std::path::{Path, PathBuf};

use redb::{
    ConcurrencyMode, Database, Durability, ReadTransaction, ReadableDatabase, ReadableTable, Table, WriteTransaction,
};

pub use audit::{Actor, AuditEntry, AuditSpec, ChainHead};
pub use error::{Result, StoreError};
pub use file_size::FileSize;
pub use summary::{Conversation, Status};
use tables::*;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "chatledger.redb";

pub struct Store {
    db: Database,
    path: PathBuf,
    exclusive: bool,
}

/// How a process shares the store with other chatledger processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// Others may open it too (the server: so that CLI commands work beside it).
    Shared,
    /// Alone if nobody else has it open (faster bulk writes), else shared (CLI commands).
    PreferExclusive,
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// redb page cache; the default keeps a 1M-conversation import well under 300 MB.
    pub cache_bytes: usize,
    pub sharing: Sharing,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { cache_bytes: 64 * 1024 * 1024, sharing: Sharing::Shared }
    }
}

/// A stored `schema_version` (4 bytes, little-endian; anything else reads as 0).
fn version_of(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().unwrap_or([0; 4]))
}

/// Work a store needs at open before anything reads its derived tables.
#[derive(Debug, Clone, Copy)]
enum Upkeep {
    Migrate { from: u32 },
    Rebuild,
}

impl std::fmt::Display for Upkeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Upkeep::Migrate { from } => write!(
                f,
                "the store has schema {from} and this version stores conversations as schema {SCHEMA_VERSION}: rebuilding the derived tables from the events"
            ),
            Upkeep::Rebuild => {
                f.write_str("the derived tables were left half-rebuilt: rebuilding them from the events")
            }
        }
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`. Several chatledger processes may
    /// have it open at once (the server and a CLI command); redb lets one of
    /// them write at a time.
    pub fn open_dir(dir: &Path, opts: &OpenOptions) -> Result<Store> {
        std::fs::create_dir_all(dir)?;
        Self::open_file(&dir.join(DB_FILE), opts)
    }

    pub fn open_file(path: &Path, opts: &OpenOptions) -> Result<Store> {
        let store = Self::open_as(path, opts, opts.sharing)?;
        let Some(work) = store.upkeep_due()? else { return Ok(store) };
        if store.exclusive {
            store.upkeep(work)?;
            return Ok(store);
        }
        // A migration or a rebuild rewrites the derived tables: never under
        // another process, which may still be an older binary reading them.
        drop(store);
        let alone = Self::open_as(path, opts, Sharing::PreferExclusive)?;
        if !alone.exclusive {
            return Err(StoreError::Locked(format!(
                "{work}, which needs the store alone: stop the other chatledger processes using it (the server?) and start again"
            )));
        }
        alone.upkeep(work)?;
        drop(alone);
        Self::open_as(path, opts, opts.sharing)
    }

    fn open_as(path: &Path, opts: &OpenOptions, sharing: Sharing) -> Result<Store> {
        let open = |mode| Database::builder().set_cache_size(opts.cache_bytes).set_concurrency_mode(mode).create(path);
        // Shared (multi-process) commits cost more: every commit saves the allocator
        // state for the other processes. A process alone with the store skips that.
        let (db, exclusive) = match sharing {
            Sharing::Shared => (open(ConcurrencyMode::MultiWriter)?, false),
            Sharing::PreferExclusive => match open(ConcurrencyMode::ExclusiveWriter) {
                Ok(db) => (db, true),
                Err(redb::DatabaseError::DatabaseAlreadyOpen) => (open(ConcurrencyMode::MultiWriter)?, false),
                Err(e) => return Err(e.into()),
            },
        };
        let store = Store { db, path: path.to_path_buf(), exclusive };
        store.init()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates every table, then checks and migrates the schema version.
    fn init(&self) -> Result<()> {
        let txn = self.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let found = meta.get("schema_version")?.map(|v| version_of(v.value()));
            match found {
                None => {
                    meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
                }
                Some(v) if v > SCHEMA_VERSION => {
                    return Err(StoreError::TooNew { found: v, known: SCHEMA_VERSION });
                }
                // An older version is migrated by `upkeep`, with the store alone.
                Some(_) => {}
            }
            txn.open_table(EVENTS)?;
            txn.open_table(AUDIT)?;
            txn.open_table(USERS)?;
            txn.open_table(SESSIONS)?;
            txn.open_table(TOKENS)?;
            txn.open_table(SETTINGS)?;
            txn.open_table(inbox::INBOX)?;
            txn.open_table(inbox::INBOX_SEEN)?;
            txn.open_table(inbox::INBOX_OUTCOME)?;
            txn.open_table(outbox::OUTBOX)?;
            txn.open_table(outbox::OUTBOX_OPEN)?;
            txn.open_table(attachments::ATTACHMENTS)?;
            txn.open_table(attachments::ATTACHMENTS_PENDING)?;
            txn.open_table(qa::QA_SCORECARDS)?;
            txn.open_table(qa::QA_REVIEWS)?;
            txn.open_table(qa::QA_CALIBRATIONS)?;
            txn.open_table(qa::QA_FINDINGS)?;
            txn.open_table(qa::QA_PLANS)?;
            txn.open_table(qa::QA_ASSIGNMENTS)?;
            Tx::open_derived(&txn)?;
        }
        txn.commit()?;
        Ok(())
    }

    fn schema_version(&self) -> Result<u32> {
        let txn = self.begin_read()?;
        let meta = txn.open_table(META)?;
        Ok(meta.get("schema_version")?.map_or(SCHEMA_VERSION, |v| version_of(v.value())))
    }

    /// What the store needs before use: a migration from an older schema, or
    /// the rebuild of derived tables a crash left half-done.
    fn upkeep_due(&self) -> Result<Option<Upkeep>> {
        let v = self.schema_version()?;
        if v < SCHEMA_VERSION {
            return Ok(Some(Upkeep::Migrate { from: v }));
        }
        Ok(self.meta_flag("derived_dirty")?.then_some(Upkeep::Rebuild))
    }

    fn upkeep(&self, work: Upkeep) -> Result<()> {
        tracing::warn!("{work} (about a minute per million conversations)");
        if let Upkeep::Migrate { .. } = work {
            // Every step so far changed only derived tables, so the migration is a
            // rebuild from the events. Version and flag commit together: a crash
            // in the rebuild leaves the flag, and the next open starts it over.
            let txn = self.begin_write()?;
            {
                let mut meta = txn.open_table(META)?;
                meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
                meta.insert("derived_dirty", [1u8].as_slice())?;
            }
            txn.commit()?;
        }
        self.reindex(&mut |_, _| {})
    }

    fn begin_write(&self) -> Result<WriteTransaction> {
        self.begin_write_durable(true)
    }

    /// A write transaction; `durable: false` (only honoured when this process
    /// has the store alone) skips the sync, for all but every few batches of a
    /// bulk import. A crash loses such commits whole, never part of one.
    fn begin_write_durable(&self, durable: bool) -> Result<WriteTransaction> {
        let mut txn = self.db.begin_write()?;
        let d = if durable || !self.exclusive { Durability::Immediate } else { Durability::None };
        txn.set_durability(d).map_err(|e| StoreError::Db(e.to_string()))?;
        Ok(txn)
    }

    /// Whether this process has the store alone.
    pub fn is_exclusive(&self) -> bool {
        self.exclusive
    }

    pub(crate) fn begin_read(&self) -> Result<ReadTransaction> {
        Ok(self.db.begin_read()?)
    }

    pub(crate) fn meta_flag(&self, key: &str) -> Result<bool> {
        let txn = self.begin_read()?;
        let meta = txn.open_table(META)?;
        Ok(meta.get(key)?.is_some_and(|v| v.value() == [1]))
    }

    /// Runs `f` in one write transaction, appends the audit entry `spec` for
    /// everything `f` wrote, and commits. Nothing is visible (or acknowledged)
    /// before the commit returns.
    pub fn write<R>(&self, spec: AuditSpec, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Result<R> {
        self.write_with(spec, true, f)
    }

    /// [`Store::write`] with a choice of durability (see `begin_write_durable`).
    pub fn write_with<R>(&self, spec: AuditSpec, durable: bool, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Result<R> {
        let txn = self.begin_write_durable(durable)?;
        let r = {
            let mut tx = Tx::open(&txn)?;
            let r = f(&mut tx)?;
            tx.finish(spec)?;
            r
        };
        txn.commit()?;
        Ok(r)
    }

    /// The chain's head: the last audit entry's seq and hash.
    pub fn chain_head(&self) -> Result<Option<ChainHead>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(AUDIT)?;
        Ok(match t.last()? {
            Some((k, v)) => {
                let (h, _, _) = audit::unseal(v.value())?;
                Some(ChainHead { seq: k.value(), hash: hex::encode(h) })
            }
            None => None,
        })
    }

    /// Checks redb's page checksums and allocator state. Needs the only handle
    /// in this process (the CLI's), not the server's shared one.
    pub fn check_integrity(&mut self) -> Result<bool> {
        Ok(self.db.check_integrity()?)
    }
}

/// A write transaction with every table open.
pub struct Tx<'t> {
    /// For tables a few writes need (the inbox's outcomes, the outbox).
    pub(crate) txn: &'t WriteTransaction,
    pub(crate) meta: Table<'t, &'static str, &'static [u8]>,
    pub(crate) events: Table<'t, u64, &'static [u8]>,
    pub(crate) audit: Table<'t, u64, &'static [u8]>,
    pub(crate) users: Table<'t, &'static str, &'static [u8]>,
    pub(crate) sessions: Table<'t, &'static [u8], &'static [u8]>,
    pub(crate) tokens: Table<'t, &'static [u8], &'static [u8]>,
    pub(crate) settings: Table<'t, &'static str, &'static [u8]>,
    pub(crate) d: Derived<'t>,
    pub(crate) hasher: audit::EventsHasher,
    pub(crate) data_hash: Option<audit::Hash>,
    pub(crate) next_seq: u64,
}

/// The derived tables, open in a write transaction.
pub struct Derived<'t> {
    pub(crate) conv_ids: Table<'t, &'static str, u64>,
    pub(crate) conversations: Table<'t, u64, &'static [u8]>,
    pub(crate) by_activity: Table<'t, (i64, u64), ()>,
    pub(crate) contact_convs: Table<'t, (&'static str, u64), ()>,
    pub(crate) agents: Table<'t, &'static str, &'static [u8]>,
    pub(crate) contacts: Table<'t, &'static str, &'static [u8]>,
    pub(crate) facts: Table<'t, u64, &'static [u8]>,
}

impl<'t> Tx<'t> {
    fn open_derived(txn: &'t WriteTransaction) -> Result<Derived<'t>> {
        Ok(Derived {
            conv_ids: txn.open_table(CONV_IDS)?,
            conversations: txn.open_table(CONVERSATIONS)?,
            by_activity: txn.open_table(CONV_BY_ACTIVITY)?,
            contact_convs: txn.open_table(CONTACT_CONVS)?,
            agents: txn.open_table(AGENTS)?,
            contacts: txn.open_table(CONTACTS)?,
            facts: txn.open_table(CONV_FACTS)?,
        })
    }

    fn open(txn: &'t WriteTransaction) -> Result<Tx<'t>> {
        let events = txn.open_table(EVENTS)?;
        let next_seq = events.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
        Ok(Tx {
            txn,
            meta: txn.open_table(META)?,
            events,
            audit: txn.open_table(AUDIT)?,
            users: txn.open_table(USERS)?,
            sessions: txn.open_table(SESSIONS)?,
            tokens: txn.open_table(TOKENS)?,
            settings: txn.open_table(SETTINGS)?,
            d: Self::open_derived(txn)?,
            hasher: Default::default(),
            data_hash: None,
            next_seq,
        })
    }

    /// Appends the audit entry covering this transaction's writes.
    fn finish(&mut self, spec: AuditSpec) -> Result<()> {
        let (seq, prev) = match self.audit.last()? {
            Some((k, v)) => (k.value() + 1, audit::unseal(v.value())?.0),
            None => (1, [0u8; 32]),
        };
        let hasher = std::mem::take(&mut self.hasher);
        let entry = AuditEntry {
            seq,
            ts: crate::domain::time::now_ms(),
            actor: spec.actor.who,
            action: spec.action,
            target: spec.target,
            detail: spec.detail,
            request_id: spec.actor.request_id,
            client: spec.actor.client,
            first_event: hasher.first,
            event_count: hasher.count,
            events_hash: hasher.finish(),
            data_hash: self.data_hash.take(),
            prev,
        };
        let (_, stored) = audit::seal(&entry);
        self.audit.insert(seq, stored.as_slice())?;
        Ok(())
    }

    pub(crate) fn set_meta_flag(&mut self, key: &str, on: bool) -> Result<()> {
        if on {
            self.meta.insert(key, [1u8].as_slice())?;
        } else {
            self.meta.remove(key)?;
        }
        Ok(())
    }
}
