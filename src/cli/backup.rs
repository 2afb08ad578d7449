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
    store.backup_to(&a.path.join(DB_FILE))?;
    let size = crate::store::FileSize::of(&a.path.join(DB_FILE));
    // Attachment files are named by their hash and never change: copying them
    // after the database is consistent (a file the copy names is already there).
    let files = copy_tree(&loaded.config.data.join("attachments"), &a.path.join("attachments"))?;
    if files > 0 {
        println!("{files} attachment file(s) copied");
    }
    println!(
        "backup written to {} ({size} in {:.1} s); run it with: chatledger serve --data {}",
        a.path.display(),
        started.elapsed().as_secs_f64(),
        a.path.display()
    );
    Ok(0)
}

/// Copies a directory tree (regular files); returns how many files.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<u64> {
    if !from.is_dir() {
        return Ok(0);
    }
    std::fs::create_dir_all(to)?;
    let mut n = 0;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            n += copy_tree(&src, &dst)?;
        } else if src.extension().is_none_or(|x| x != "part") {
            std::fs::copy(&src, &dst)?;
            n += 1;
        }
    }
    Ok(n)
}
