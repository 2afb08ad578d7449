//! `chatledger reindex`: rebuilds every derived table from the events alone.

use redb::{ReadableTable, ReadableTableMetadata};

use super::append::Touched;
use super::codec::decode;
use super::error::Result;
use super::tables::*;
use super::{Actor, AuditSpec, Store, Tx};
use crate::domain::Record;

const BATCH: u64 = 50_000;

impl Store {
    /// Deletes the derived tables and folds every event again, in batches.
    /// A crash in between leaves a flag that makes the next open start over.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let total = {
            let txn = self.begin_write()?;
            {
                let mut meta = txn.open_table(META)?;
                meta.insert("derived_dirty", [1u8].as_slice())?;
                // Readers that keep derived data in memory (the metrics) reload on a new generation.
                let generation = meta.get("derived_generation")?.map_or(0, |v| super::facts::read_u64(v.value())) + 1;
                meta.insert("derived_generation", generation.to_le_bytes().as_slice())?;
            }
            txn.delete_table(CONV_IDS)?;
            txn.delete_table(CONVERSATIONS)?;
            txn.delete_table(CONV_BY_ACTIVITY)?;
            txn.delete_table(CONTACT_CONVS)?;
            txn.delete_table(AGENTS)?;
            txn.delete_table(CONTACTS)?;
            txn.delete_table(CONV_FACTS)?;
            Tx::open_derived(&txn)?;
            let n = txn.open_table(EVENTS)?.len()?;
            txn.commit()?;
            n
        };
        let mut start = 1u64;
        let mut done = 0u64;
        loop {
            let txn = self.begin_write()?;
            let more = {
                let mut tx = Tx::open(&txn)?;
                let batch: Vec<(u64, Vec<u8>)> = tx
                    .events
                    .range(start..start.saturating_add(BATCH))?
                    .map(|r| r.map(|(k, v)| (k.value(), v.value().to_vec())))
                    .collect::<std::result::Result<_, _>>()?;
                let mut touched = Touched::default();
                for (seq, bytes) in &batch {
                    match decode::<Record>(bytes, "event")? {
                        Record::Conv(ev) => {
                            tx.index_conv_event(&ev, bytes, *seq, &mut touched)?;
                        }
                        Record::Agent(a) => {
                            tx.index_agent(&a)?;
                        }
                        Record::Contact(c) => {
                            tx.index_contact(&c)?;
                        }
                    }
                }
                tx.derive(touched)?;
                done += batch.len() as u64;
                start = start.saturating_add(BATCH);
                let more = tx.events.range(start..)?.next().is_some();
                if !more {
                    tx.set_meta_flag("derived_dirty", false)?;
                }
                more
            };
            txn.commit()?;
            progress(done, total);
            if !more {
                break;
            }
        }
        self.write(
            AuditSpec::new(&Actor::system(), "store.reindex", "derived tables").detail(format!("{done} events")),
            |_| Ok(()),
        )?;
        Ok(())
    }
}
