use std::sync::Arc;

use clap::Args;
use figment::Figment;

use super::{Global, open_store, progress};
use crate::ingest::Committed;
use crate::search::index::dir_of;
use crate::search::indexer::Indexer;
use crate::store::Store;

#[derive(Args)]
pub struct ReindexArgs {
    /// Rebuild only the search index (the derived tables stay as they are).
    #[arg(long)]
    pub search: bool,
}

pub fn run(g: &Global, a: ReindexArgs) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    let store = open_store(&loaded)?;
    if !store.is_exclusive() {
        anyhow::bail!("another chatledger process (the server?) has the store open; stop it first");
    }
    if !a.search {
        let pb = progress::bar(0, "reindexing");
        let started = std::time::Instant::now();
        store.reindex(&mut |done, total| {
            pb.set_length(total);
            pb.set_position(done);
        })?;
        pb.finish_and_clear();
        println!("derived tables rebuilt from the events in {:.1} s", started.elapsed().as_secs_f64());
    }
    let dir = dir_of(&loaded.config.data);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    println!("{}", index_for_search(Arc::new(store), &dir)?);
    Ok(0)
}

/// Brings the search index in `dir` up to date with the store, with a
/// progress bar; answers a one-line summary.
pub fn index_for_search(store: Arc<Store>, dir: &std::path::Path) -> anyhow::Result<String> {
    let started = std::time::Instant::now();
    let (mut indexer, _) = Indexer::open(store, dir)?;
    let pb = progress::bar(0, "indexing for search");
    let n = indexer.catch_up(&|done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    indexer.finish()?;
    let size = dir_size(dir);
    Ok(format!(
        "search index: {n} events indexed in {:.1} s ({:.1} MB)",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    ))
}

/// Indexes for search while a bulk import runs: the import hands each
/// committed batch over through [`ImportIndexing::follower`].
pub struct ImportIndexing {
    follower: Option<std::sync::mpsc::SyncSender<Committed>>,
    thread: std::thread::JoinHandle<anyhow::Result<Indexer>>,
    started: std::time::Instant,
    dir: std::path::PathBuf,
}

/// Committed batches waiting for the indexer: enough to ride out a merge, few
/// enough to keep memory flat. When they are all taken, the import goes on and
/// the indexer reads what it missed from the store.
const WAITING_BATCHES: usize = 4;

impl ImportIndexing {
    pub fn start(store: Arc<Store>, dir: &std::path::Path) -> anyhow::Result<ImportIndexing> {
        let started = std::time::Instant::now();
        let (mut indexer, _) = Indexer::open_with_threads(store, dir, 1)?;
        indexer.follow_bulk_import();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Committed>(WAITING_BATCHES);
        let thread = std::thread::Builder::new().name("import-indexing".into()).spawn(move || {
            // Whatever the store has that the index lacks comes first, beside the import.
            indexer.catch_up(&|_, _| {})?;
            for batch in rx {
                indexer.index_placed(&batch.records, &batch.placed)?;
            }
            Ok(indexer)
        })?;
        Ok(ImportIndexing { follower: Some(tx), thread, started, dir: dir.to_path_buf() })
    }

    /// Where the import sends its committed batches (once).
    pub fn follower(&mut self) -> Option<std::sync::mpsc::SyncSender<Committed>> {
        self.follower.take()
    }

    /// After an import that stopped on an error: nothing it added is
    /// committed to the index (the batches since the last durable commit may
    /// not survive), which stays as it was; the server catches up from the store.
    pub fn abandon(self) {
        drop(self.follower);
        let _ = self.thread.join();
    }

    /// After the import: indexes the rest and lets go of the store; the
    /// commit and the merges go on in the background until [`Settling::wait`].
    pub fn finish(self) -> anyhow::Result<Settling> {
        drop(self.follower);
        let indexer = self.thread.join().map_err(|_| anyhow::anyhow!("the indexing thread panicked"))??;
        let handed_over = indexer.handed_over;
        let pb = progress::bar(0, "indexing for search");
        let committer = indexer.settle_and_let_go(&|done, total| {
            pb.set_length(total);
            pb.set_position(done);
        })?;
        pb.finish_and_clear();
        let seq = committer.payload.seq;
        let thread = std::thread::Builder::new().name("index-commit".into()).spawn(move || {
            committer.commit_and_wait()?;
            Ok(())
        })?;
        Ok(Settling { thread, seq, handed_over, started: self.started, dir: self.dir })
    }
}

/// A bulk import's index being committed and merged.
pub struct Settling {
    thread: std::thread::JoinHandle<anyhow::Result<()>>,
    seq: u64,
    handed_over: u64,
    started: std::time::Instant,
    dir: std::path::PathBuf,
}

impl Settling {
    /// Waits for the commit and the merges; a summary line.
    pub fn wait(self) -> anyhow::Result<String> {
        self.thread.join().map_err(|_| anyhow::anyhow!("the index commit panicked"))??;
        Ok(format!(
            "search index: {} events indexed ({} handed over by the import, the rest read from the store), {:.1} s after the import started ({:.1} MB)",
            self.seq,
            self.handed_over,
            self.started.elapsed().as_secs_f64(),
            dir_size(&self.dir) as f64 / 1e6
        ))
    }
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0)
}
