//! Loads the demo data set (generated in Rust, deterministic by seed) through
//! the same append path as an import.

use crate::domain::Record;
use crate::domain::parse::parse_object;
use crate::store::{Actor, AuditSpec, Store, StoreError, append::AppendStats};

const BATCH: usize = 20_000;

/// Generates `conversations` demo conversations ending now and appends them.
/// `progress` gets the number of events appended so far.
pub fn load(
    store: &Store,
    seed: u64,
    conversations: usize,
    progress: &mut dyn FnMut(u64),
) -> Result<AppendStats, StoreError> {
    let end = crate::domain::time::now_ms();
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    let mut total = AppendStats::default();
    let mut failed: Option<StoreError> = None;
    let actor = Actor::system();
    let flush = |batch: &mut Vec<Record>, total: &mut AppendStats| -> Result<(), StoreError> {
        let spec = AuditSpec::new(&actor, "events.import", "demo").detail(format!("seed {seed}"));
        let s = store.append(spec, std::mem::take(batch))?;
        total.accepted += s.accepted;
        total.duplicates += s.duplicates;
        Ok(())
    };
    crate::demo::generate(seed, conversations, end, &mut |v| {
        if failed.is_some() {
            return;
        }
        let serde_json::Value::Object(mut m) = v else { return };
        match parse_object(&mut m) {
            Ok(r) => batch.push(r),
            // The generator is ours: a line it makes that we reject is a bug worth seeing.
            Err(e) => tracing::warn!(reason = %e, "demo generator produced an invalid event"),
        }
        if batch.len() >= BATCH {
            if let Err(e) = flush(&mut batch, &mut total) {
                failed = Some(e);
            }
            progress(total.accepted);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    flush(&mut batch, &mut total)?;
    progress(total.accepted);
    Ok(total)
}
