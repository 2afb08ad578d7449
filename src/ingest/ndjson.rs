//! Streaming NDJSON import: validate each line, append in batches, report.

use std::io::BufRead;
use std::sync::mpsc::TrySendError;

use serde::Serialize;

use super::lines::{Line, read_line};
use crate::domain::parse::parse_line;
use crate::store::append::{Encoded, Placed, Touched};
use crate::store::{Actor, AuditSpec, Store, StoreError};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Records per transaction.
    pub batch: usize,
    /// Longest accepted line, in bytes.
    pub max_line: usize,
    /// Rejections listed in the summary (all are counted).
    pub max_listed: usize,
    /// What the audit entries name as the source (a file name, "http", ...).
    pub source: String,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { batch: 20_000, max_line: 1 << 20, max_listed: 1000, source: "stdin".into() }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub lines_read: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub blank: u64,
    /// The first rejections, each with its line number and reason.
    pub rejections: Vec<Rejected>,
    /// Lines committed so far: everything up to here is stored.
    pub committed_lines: u64,
    /// Set when the import stopped early (a storage error): what went wrong.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportProgress {
    pub bytes: u64,
    pub lines: u64,
    pub accepted: u64,
}

/// A batch of parsed lines, handed from the parsing thread to the writing one.
struct Batch {
    records: Vec<Encoded>,
    first: u64,
    last: u64,
    bytes: u64,
    /// The final batch of the input: its commit is always durable.
    is_last: bool,
}

/// A batch the import has committed, with where each record went (one
/// [`Placed`] per record, in order). A bulk import hands these to the search
/// indexer, which then needs not read the events back from the store.
pub struct Committed {
    pub records: Vec<Encoded>,
    pub placed: Vec<Placed>,
}

/// Imports everything `reader` yields. One thread reads and validates lines
/// while the caller's thread appends the previous batch, so both cores work.
/// Storage errors stop the import; what was committed before stays (and
/// verifies). The summary says how far it got.
pub fn import(
    store: &Store,
    actor: &Actor,
    reader: &mut (impl BufRead + Send),
    opts: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> ImportSummary {
    import_followed(store, actor, reader, opts, progress, None)
}

/// [`import`], handing committed batches to `follower` (in commit order;
/// nothing of a batch that failed). The import never waits for it: a batch
/// that finds the follower's queue full is not handed over, and the follower
/// reads it from the store instead, as it reads whatever else it lacks.
/// Should the follower go away, the import goes on without it.
pub fn import_followed(
    store: &Store,
    actor: &Actor,
    reader: &mut (impl BufRead + Send),
    opts: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
    mut follower: Option<std::sync::mpsc::SyncSender<Committed>>,
) -> ImportSummary {
    let mut s = ImportSummary::default();
    std::thread::scope(|scope| {
        // Inside the scope, so that a panicking writer drops `rx` and frees the parser.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(1);
        // Written batches go back to the parser's thread to be freed there, off the writer's.
        let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Vec<Encoded>>();
        let parser = scope.spawn(move || parse_batches(reader, opts, tx, spent_rx));
        let mut w = Writer { store, actor, opts, batches: 0, touched: Touched::default() };
        for b in rx.iter() {
            if s.error.is_some() {
                continue; // drain, so the parser can finish
            }
            let (read, last) = (b.bytes, b.last);
            let mut placed = follower.as_ref().map(|_| Vec::with_capacity(b.records.len()));
            match w.flush(b, &mut s, placed.as_mut()) {
                Ok(records) => {
                    let spent = match (&follower, placed) {
                        (Some(f), Some(placed)) => match f.try_send(Committed { records, placed }) {
                            Ok(()) => None,
                            Err(TrySendError::Full(back)) => Some(back.records),
                            Err(TrySendError::Disconnected(back)) => {
                                follower = None;
                                Some(back.records)
                            }
                        },
                        _ => Some(records),
                    };
                    if let Some(spent) = spent {
                        let _ = spent_tx.send(spent);
                    }
                }
                Err(e) => {
                    s.error = Some(e.to_string());
                    continue;
                }
            }
            progress(ImportProgress { bytes: read, lines: last, accepted: s.accepted });
        }
        let parsed = parser.join().expect("the parser thread does not panic");
        s.lines_read = parsed.lines_read;
        s.blank = parsed.blank;
        s.rejected = parsed.rejected;
        s.rejections = parsed.rejections;
        if s.error.is_none() {
            s.error = parsed.error;
            if s.error.is_none() {
                s.committed_lines = s.lines_read;
            }
        }
    });
    s
}

/// Reads and validates lines, sending batches; returns the line counts and rejections.
fn parse_batches(
    reader: &mut impl BufRead,
    opts: &ImportOptions,
    tx: std::sync::mpsc::SyncSender<Batch>,
    spent: std::sync::mpsc::Receiver<Vec<Encoded>>,
) -> ImportSummary {
    let mut s = ImportSummary::default();
    let mut buf = Vec::with_capacity(4096);
    let mut batch: Vec<Encoded> = Vec::with_capacity(opts.batch);
    let mut first = 1u64;
    let mut bytes = 0u64;
    let mut pending: Option<Batch> = None;
    loop {
        let line = match read_line(reader, &mut buf, opts.max_line) {
            Ok(l) => l,
            Err(e) => {
                s.error = Some(format!("reading input failed at line {}: {e}", s.lines_read + 1));
                break;
            }
        };
        let Some(line) = line else { break };
        s.lines_read += 1;
        let n = s.lines_read;
        match line {
            Line::TooLong(len) => {
                bytes += len + 1;
                reject(
                    &mut s,
                    opts,
                    n,
                    format!("line is {len} bytes, longer than the limit of {} bytes", opts.max_line),
                );
            }
            Line::Ok => {
                bytes += buf.len() as u64 + 1;
                if buf.iter().all(u8::is_ascii_whitespace) {
                    s.blank += 1;
                } else {
                    match parse_line(&buf) {
                        Ok(r) => batch.push(Encoded::new(r)),
                        Err(why) => reject(&mut s, opts, n, why.0),
                    }
                }
            }
        }
        if batch.len() >= opts.batch {
            while let Ok(done) = spent.try_recv() {
                drop(done);
            }
            // Hold each batch back until the next one exists, so the last is known as such.
            let b = Batch { records: std::mem::take(&mut batch), first, last: n, bytes, is_last: false };
            if let Some(p) = pending.replace(b)
                && tx.send(p).is_err()
            {
                return s;
            }
            first = n + 1;
        }
    }
    let tail = Batch { records: batch, first, last: s.lines_read, bytes, is_last: true };
    match pending {
        Some(p) if tail.records.is_empty() => {
            let _ = tx.send(Batch { is_last: true, ..p });
        }
        Some(p) => {
            let _ = tx.send(p);
            let _ = tx.send(tail);
        }
        None => {
            let _ = tx.send(tail);
        }
    }
    s
}

fn reject(s: &mut ImportSummary, opts: &ImportOptions, line: u64, reason: String) {
    s.rejected += 1;
    if s.rejections.len() < opts.max_listed {
        s.rejections.push(Rejected { line, reason });
    }
}

/// Batches between two durable commits of an exclusive import.
const DURABLE_EVERY: u64 = 12;

/// The writing side of an import: appends batches and keeps the summary.
struct Writer<'a> {
    store: &'a Store,
    actor: &'a Actor,
    opts: &'a ImportOptions,
    batches: u64,
    /// Conversations whose summaries wait for the next durable commit (exclusive imports).
    touched: Touched,
}

impl Writer<'_> {
    /// Appends a batch; answers its records, for the caller to free.
    fn flush(
        &mut self,
        b: Batch,
        s: &mut ImportSummary,
        placed: Option<&mut Vec<Placed>>,
    ) -> Result<Vec<Encoded>, StoreError> {
        if b.records.is_empty() {
            s.committed_lines = b.last;
            return Ok(b.records);
        }
        let spec = AuditSpec::new(self.actor, "events.import", format!("import:{}", self.opts.source))
            .detail(format!("lines {}-{}", b.first, b.last));
        self.batches += 1;
        let exclusive = self.store.is_exclusive();
        // Alone with the store, only every few batches (and the last) wait for the disk,
        // and conversation summaries are written then: nobody else reads in between, and
        // a crash loses the batches since the last durable commit whole, which a rerun imports.
        let durable = !exclusive || b.is_last || self.batches.is_multiple_of(DURABLE_EVERY);
        let touched = &mut self.touched;
        let stats = self.store.write_with(spec, durable, |tx| {
            let st = tx.append_deferred(&b.records, touched, placed)?;
            // While summaries wait in memory, the stored ones are behind the events: if
            // this import dies without a clean end, the next open rebuilds them.
            tx.set_meta_flag("derived_dirty", !durable)?;
            if durable {
                tx.derive(std::mem::take(touched))?;
            }
            Ok(st)
        })?;
        s.accepted += stats.accepted;
        s.duplicates += stats.duplicates;
        if durable {
            s.committed_lines = b.last;
        }
        Ok(b.records)
    }
}
