use std::path::PathBuf;

use clap::Args;
use figment::Figment;

use super::{Global, open_store};
use crate::store::DB_FILE;

#[derive(Args)]
pub struct BackupArgs {
    /// A new directory to hold the copy; `chatledger serve --data PATH` runs from it.
    pub path: PathBuf,
}

pub fn run(g: &Global, a: BackupArgs) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    if a.path.exists() && std::fs::read_dir(&a.path)?.next().is_some() {
        anyhow::bail!("{} exists and is not empty; give a new directory", a.path.display());
    }
    let store = open_store(&loaded)?;
    std::fs::create_dir_all(&a.path)?;
    let started = std::time::Instant::now();
    let bytes = store.backup_to(&a.path.join(DB_FILE))?;
    println!(
        "backup written to {} ({:.1} MB in {:.1} s); run it with: chatledger serve --data {}",
        a.path.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        a.path.display()
    );
    Ok(0)
}
