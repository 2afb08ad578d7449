//! Quality review's own records: scorecard versions (never changed) and
//! reviews. Values are encoded by the `qa` module; every write is audited.

use redb::{ReadableTable, TableDefinition};

use super::error::Result;
use super::{AuditSpec, Store};

/// (scorecard id, version) → an encoded scorecard version.
pub const QA_SCORECARDS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("qa_scorecards");
/// review id → an encoded review.
pub const QA_REVIEWS: TableDefinition<u64, &[u8]> = TableDefinition::new("qa_reviews");
/// calibration session id → an encoded session.
pub const QA_CALIBRATIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("qa_calibrations");

impl Store {
    /// Stores a new scorecard version; fails if that version exists (versions never change).
    pub fn qa_put_scorecard(&self, spec: AuditSpec, id: &str, version: u32, bytes: &[u8]) -> Result<()> {
        self.write(spec, |tx| {
            let mut t = tx.txn.open_table(QA_SCORECARDS)?;
            if t.get((id, version))?.is_some() {
                return Err(super::StoreError::Conflict(format!("scorecard {id} version {version} exists")));
            }
            t.insert((id, version), bytes)?;
            Ok(())
        })
    }

    /// Every scorecard version, in (id, version) order.
    pub fn qa_scorecards(&self) -> Result<Vec<(String, u32, Vec<u8>)>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_SCORECARDS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            let (k, v) = item?;
            let (id, version) = k.value();
            out.push((id.to_string(), version, v.value().to_vec()));
        }
        Ok(out)
    }

    /// Stores a review made by `encode(id)`; returns its id.
    pub fn qa_add_review(&self, spec: AuditSpec, encode: impl FnOnce(u64) -> Vec<u8>) -> Result<u64> {
        self.write(spec, |tx| {
            let mut t = tx.txn.open_table(QA_REVIEWS)?;
            let id = t.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
            t.insert(id, encode(id).as_slice())?;
            Ok(id)
        })
    }

    /// Every review, oldest first.
    pub fn qa_reviews(&self) -> Result<Vec<(u64, Vec<u8>)>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_REVIEWS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            let (k, v) = item?;
            out.push((k.value(), v.value().to_vec()));
        }
        Ok(out)
    }
}

impl Store {
    /// A review, encoded.
    pub fn qa_review(&self, id: u64) -> Result<Option<Vec<u8>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_REVIEWS)?;
        Ok(t.get(id)?.map(|v| v.value().to_vec()))
    }

    /// Replaces a review (a dispute or its resolution); the audit entry keeps the step.
    pub fn qa_put_review(&self, spec: AuditSpec, id: u64, bytes: &[u8]) -> Result<()> {
        self.write(spec, |tx| {
            tx.txn.open_table(QA_REVIEWS)?.insert(id, bytes)?;
            Ok(())
        })
    }
}

impl Store {
    /// Stores a calibration session: a new one (`id` None, made by `encode(id)`) or a change.
    pub fn qa_put_calibration(
        &self,
        spec: AuditSpec,
        id: Option<u64>,
        encode: impl FnOnce(u64) -> Vec<u8>,
    ) -> Result<u64> {
        self.write(spec, |tx| {
            let mut t = tx.txn.open_table(QA_CALIBRATIONS)?;
            let id = match id {
                Some(id) => id,
                None => t.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1),
            };
            t.insert(id, encode(id).as_slice())?;
            Ok(id)
        })
    }

    pub fn qa_calibration(&self, id: u64) -> Result<Option<Vec<u8>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_CALIBRATIONS)?;
        Ok(t.get(id)?.map(|v| v.value().to_vec()))
    }

    pub fn qa_calibrations(&self) -> Result<Vec<Vec<u8>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_CALIBRATIONS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            out.push(item?.1.value().to_vec());
        }
        Ok(out)
    }
}
