use std::io::{self, BufReader};
use std::path::PathBuf;

use clap::Args;
use figment::Figment;

use super::{Global, open_store, progress};
use crate::ingest::{ImportOptions, import_followed};
use crate::store::Actor;

#[derive(Args)]
pub struct ImportArgs {
    /// NDJSON file of events, or `-` for standard input.
    pub file: PathBuf,
    /// Records per transaction.
    #[arg(long, default_value_t = 20_000)]
    pub batch: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Compact the store after the import (alone with the store), as
    /// `chatledger compact --full` does: about a sixth less disk, for a while.
    #[arg(long)]
    pub compact: bool,
    /// Accepted for scripts written when the import compacted by default.
    #[arg(long, hide = true, conflicts_with = "compact")]
    pub no_compact: bool,
    /// Leave the search index to the server (by default an import run alone
    /// with the store also indexes what it added).
    #[arg(long)]
    pub no_index: bool,
}

pub fn run(g: &Global, a: ImportArgs) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    let mut store = std::sync::Arc::new(open_store(&loaded)?);
    let stdin = a.file.as_os_str() == "-";
    let (mut reader, total): (Box<dyn io::BufRead + Send>, u64) = if stdin {
        (Box::new(BufReader::with_capacity(1 << 20, io::stdin())), 0)
    } else {
        let f = std::fs::File::open(&a.file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", a.file.display()))?;
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(BufReader::with_capacity(1 << 20, f)), len)
    };
    let opts = ImportOptions {
        batch: a.batch.max(1),
        source: if stdin { "stdin".into() } else { a.file.display().to_string() },
        ..Default::default()
    };
    // Alone with the store (no server to do it), the import also indexes for
    // search, as it goes: the index follows the store from its own thread.
    let mut indexing = if !a.no_index && store.is_exclusive() {
        let dir = crate::search::index::dir_of(&loaded.config.data);
        match super::reindex::ImportIndexing::start(store.clone(), &dir) {
            Ok(i) => Some(i),
            Err(e) => {
                eprintln!("warning: not indexing for search ({e}); the server or `chatledger reindex --search` will");
                None
            }
        }
    } else {
        None
    };
    let pb = progress::bar(total, "importing");
    let started = std::time::Instant::now();
    let follower = indexing.as_mut().and_then(|i| i.follower());
    let s = import_followed(
        &store,
        &Actor::cli(),
        &mut reader,
        &opts,
        &mut |p| if total > 0 { pb.set_position(p.bytes) } else { pb.set_position(p.lines) },
        follower,
    );
    pb.finish_and_clear();
    let index_warning = |e: anyhow::Error| {
        format!("warning: the search index was not updated ({e}); the server or `chatledger reindex --search` will")
    };
    eprintln!("events stored in {:.1} s", started.elapsed().as_secs_f64());
    // The index lets go of the store before its commit, which overlaps a compaction.
    // After an error it commits nothing: what the import added may not all be durable.
    let indexing = match indexing {
        Some(i) if s.error.is_some() => {
            i.abandon();
            eprintln!("the search index was left as it was; the server or the next import catches up");
            None
        }
        other => other,
    };
    let settling = match indexing.map(|i| i.finish()) {
        Some(Ok(settling)) => Some(settling),
        Some(Err(e)) => {
            eprintln!("{}", index_warning(e));
            None
        }
        None => None,
    };
    let mut compacted = Ok(());
    if s.error.is_none() && a.compact {
        match std::sync::Arc::get_mut(&mut store) {
            Some(store) if store.is_exclusive() => {
                let before = crate::store::FileSize::of(store.path());
                eprintln!("compacting the store (packing its pages)...");
                let t = std::time::Instant::now();
                compacted = store.compact_fully(true, &mut |n, size| {
                    eprintln!("  pass {n}: {:.0} MB, {:.1} s", size as f64 / 1e6, t.elapsed().as_secs_f64())
                });
                eprintln!("store file: {before} before, {} after", crate::store::FileSize::of(store.path()));
            }
            Some(_) => eprintln!("not compacting: another process (the server?) has the store open"),
            None => eprintln!("not compacting: the store is still in use"),
        }
    } else if s.error.is_none() && s.accepted > 0 {
        eprintln!("store file: {}", crate::store::FileSize::of(store.path()));
    }
    // The index's commit finishes even when the compaction failed.
    if let Some(settling) = settling {
        match settling.wait() {
            Ok(line) => eprintln!("{line}"),
            Err(e) => eprintln!("{}", index_warning(e)),
        }
    }
    compacted?;
    let secs = started.elapsed().as_secs_f64();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        println!(
            "lines read {}, events accepted {}, duplicates ignored {}, lines rejected {}, blank {} ({:.1} s, {:.0} events/s)",
            s.lines_read,
            s.accepted,
            s.duplicates,
            s.rejected,
            s.blank,
            secs,
            s.accepted as f64 / secs.max(1e-9)
        );
        for r in &s.rejections {
            println!("  line {}: {}", r.line, r.reason);
        }
        if s.rejected as usize > s.rejections.len() {
            println!("  ... and {} more rejected lines", s.rejected as usize - s.rejections.len());
        }
    }
    if let Some(e) = &s.error {
        eprintln!("error: the import stopped: {e}");
        eprintln!(
            "everything up to line {} is stored; run the same import again to continue (duplicates are ignored)",
            s.committed_lines
        );
        return Ok(2);
    }
    Ok(if s.rejected > 0 { 1 } else { 0 })
}
