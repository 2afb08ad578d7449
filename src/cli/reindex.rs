use std::sync::Arc;

use clap::Args;
use figment::Figment;

use super::{Global, open_store, progress};
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
    let size: u64 = std::fs::read_dir(dir)?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    Ok(format!(
        "search index: {n} events indexed in {:.1} s ({:.1} MB)",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    ))
}
