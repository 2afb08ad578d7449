//! Quality review's own records: scorecard versions (never changed) and
//! reviews. Values are encoded by the `qa` module; every write is audited.

use redb::{ReadableTable, TableDefinition};

use super::error::Result;
use super::{AuditSpec, Store};

/// (scorecard id, version) → an encoded scorecard version.
pub const QA_SCORECARDS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("qa_scorecards");
/// review id → an encoded review.
pub const QA_REVIEWS: TableDefinition<u64, &[u8]> = TableDefinition::new("qa_reviews");
/// finding id (`{conversation}|{rule}|{message}`) → an encoded finding. Kept
/// sorted by conversation, so one conversation's findings are a range.
pub const QA_FINDINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("qa_findings");
/// sampling plan id → an encoded plan.
pub const QA_PLANS: TableDefinition<u64, &[u8]> = TableDefinition::new("qa_plans");
/// assignment id → an encoded review assignment.
pub const QA_ASSIGNMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("qa_assignments");
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

const CHECKS_CURSOR: &str = "qa_checks_seq";

/// Given a stored finding and a new one, the new one carrying what must be kept
/// of the old (a dismissal), or None when nothing is.
pub type Merge<'a> = &'a dyn Fn(&[u8], &[u8]) -> Option<Vec<u8>>;

impl Store {
    /// Replaces the findings of these conversations with `found` (a finding
    /// that was dismissed keeps its dismissal; the `merge` callback does it),
    /// and moves the checks' cursor to `cursor` if given. One audited write.
    pub fn qa_replace_findings(
        &self,
        spec: AuditSpec,
        conversations: &[String],
        found: Vec<(String, Vec<u8>)>,
        merge: Merge<'_>,
        cursor: Option<u64>,
    ) -> Result<()> {
        self.write(spec, |tx| {
            let mut t = tx.txn.open_table(QA_FINDINGS)?;
            let mut kept: std::collections::HashMap<String, Vec<u8>> = Default::default();
            for c in conversations {
                let (lo, hi) = (format!("{c}|"), format!("{c}}}"));
                let old: Vec<(String, Vec<u8>)> = t
                    .range(lo.as_str()..hi.as_str())?
                    .map(|r| r.map(|(k, v)| (k.value().to_string(), v.value().to_vec())))
                    .collect::<std::result::Result<_, _>>()?;
                for (k, v) in old {
                    t.remove(k.as_str())?;
                    kept.insert(k, v);
                }
            }
            for (k, v) in found {
                let v = match kept.get(&k) {
                    Some(old) => merge(old, &v).unwrap_or(v),
                    None => v,
                };
                t.insert(k.as_str(), v.as_slice())?;
            }
            // A dismissed finding that no longer occurs is kept: a reviewer's decision is history.
            for (k, old) in kept {
                if t.get(k.as_str())?.is_none() && merge(&old, &old).is_some() {
                    t.insert(k.as_str(), old.as_slice())?;
                }
            }
            if let Some(c) = cursor {
                tx.meta.insert(CHECKS_CURSOR, c.to_le_bytes().as_slice())?;
            }
            Ok(())
        })
    }

    /// The sequence number the checks have seen up to.
    pub fn qa_checks_cursor(&self) -> Result<u64> {
        let txn = self.begin_read()?;
        let meta = txn.open_table(super::tables::META)?;
        Ok(meta.get(CHECKS_CURSOR)?.map(|v| u64::from_le_bytes(v.value().try_into().unwrap_or([0; 8]))).unwrap_or(0))
    }

    /// Every finding, in id order (so grouped by conversation).
    pub fn qa_findings(&self) -> Result<Vec<Vec<u8>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_FINDINGS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            out.push(item?.1.value().to_vec());
        }
        Ok(out)
    }

    pub fn qa_finding(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(QA_FINDINGS)?;
        Ok(t.get(id)?.map(|v| v.value().to_vec()))
    }

    pub fn qa_put_finding(&self, spec: AuditSpec, id: &str, bytes: &[u8]) -> Result<()> {
        self.write(spec, |tx| {
            tx.txn.open_table(QA_FINDINGS)?.insert(id, bytes)?;
            Ok(())
        })
    }
}

/// Plans and assignments: a numbered list each, values encoded by `qa`.
#[derive(Clone, Copy)]
pub enum QaList {
    Plans,
    Assignments,
}

impl QaList {
    fn table(self) -> TableDefinition<'static, u64, &'static [u8]> {
        match self {
            QaList::Plans => QA_PLANS,
            QaList::Assignments => QA_ASSIGNMENTS,
        }
    }
}

impl Store {
    /// Appends items made by `encode(id)` to a list, in one audited write; their ids.
    pub fn qa_append(
        &self,
        spec: AuditSpec,
        list: QaList,
        items: Vec<Box<dyn FnOnce(u64) -> Vec<u8> + '_>>,
    ) -> Result<Vec<u64>> {
        self.write(spec, |tx| {
            let mut t = tx.txn.open_table(list.table())?;
            let first = t.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
            let mut ids = Vec::new();
            for (id, make) in (first..).zip(items) {
                t.insert(id, make(id).as_slice())?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Every item of a list, oldest first.
    pub fn qa_list(&self, list: QaList) -> Result<Vec<(u64, Vec<u8>)>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(list.table())?;
        let mut out = Vec::new();
        for item in t.iter()? {
            let (k, v) = item?;
            out.push((k.value(), v.value().to_vec()));
        }
        Ok(out)
    }
}
