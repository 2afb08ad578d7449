//! Space used per table, for `chatledger stats` and the benchmarks.

use redb::ReadableTableMetadata;
use serde::Serialize;

use super::Store;
use super::error::Result;
use super::tables::*;

#[derive(Debug, Clone, Serialize)]
pub struct TableSpace {
    pub table: &'static str,
    pub entries: u64,
    /// Bytes of keys and values.
    pub stored_bytes: u64,
    /// Pages (leaf and branch) times the page size.
    pub page_bytes: u64,
}

macro_rules! space {
    ($txn:expr, $out:expr, $($t:expr),+) => {$(
        {
            let t = $txn.open_table($t)?;
            let s = t.stats()?;
            $out.push(TableSpace {
                table: redb::TableHandle::name(&$t),
                entries: t.len()?,
                stored_bytes: s.stored_bytes(),
                page_bytes: (s.leaf_pages() + s.branch_pages()) * 4096,
            });
        }
    )+};
}

impl Store {
    pub fn table_space(&self) -> Result<Vec<TableSpace>> {
        let txn = self.begin_read()?;
        let mut out = Vec::new();
        space!(
            txn,
            out,
            EVENTS,
            AUDIT,
            USERS,
            SESSIONS,
            TOKENS,
            CONV_IDS,
            CONVERSATIONS,
            CONV_BY_ACTIVITY,
            CONTACT_CONVS,
            AGENTS,
            CONTACTS,
            CONV_FACTS
        );
        Ok(out)
    }
}

impl Store {
    /// Rewrites the file without its free pages; `pack` also packs the entries
    /// of half-empty pages into fewer pages. Needs the store alone.
    pub fn compact(&mut self, pack: bool) -> Result<bool> {
        let mode = if pack { redb::CompactionMode::Maximum } else { redb::CompactionMode::Balanced };
        Ok(self.db.compact(mode)?)
    }

    /// Compacts until nothing more is gained, telling `pass` the file size after each pass.
    pub fn compact_fully(&mut self, pack: bool, pass: &mut dyn FnMut(u32, u64)) -> Result<()> {
        let mut n = 0;
        while self.compact(pack)? {
            n += 1;
            pass(n, std::fs::metadata(self.path()).map(|m| m.len()).unwrap_or(0));
        }
        Ok(())
    }
}
