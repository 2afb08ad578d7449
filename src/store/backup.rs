//! Consistent copies of a live store.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::error::{Result, StoreError};
use super::{OpenOptions, Store};

impl Store {
    /// Copies the database file to `dest` while holding the write lock, so no
    /// transaction is half-written in the copy; then checks the copy.
    /// Writers (in any process) wait for the copy; readers do not.
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        if dest.exists() {
            return Err(StoreError::Invalid(format!("{} exists already; choose a new path", dest.display())));
        }
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let tmp = parent.join(format!(".{}.partial", dest.file_name().and_then(|n| n.to_str()).unwrap_or("backup")));
        let bytes = {
            // Holding a write transaction keeps every other writer out; every
            // committed transaction is already durable in the file.
            let guard = self.begin_write()?;
            // A partial copy left by an interrupted backup is ours to replace
            // (under the lock, so never one a backup running now is writing).
            let _ = std::fs::remove_file(&tmp);
            let n = copy_sparse(&self.path, &tmp)?;
            guard.abort()?;
            n
        };
        {
            let mut copy = Store::open_file(&tmp, &OpenOptions::default())?;
            if !copy.check_integrity()? {
                tracing::warn!("the backup needed a repair after the copy; it was repaired");
            }
        }
        std::fs::rename(&tmp, dest)?;
        Ok(bytes)
    }
}

/// Blocks of zeros the copy leaves as holes: small enough to catch the holes
/// redb leaves, large enough to keep the copy a stream of big writes.
const HOLE_BLOCK: usize = 64 * 1024;

/// Copies `src` to a new file `dest`, leaving blocks of zeros as holes, and
/// makes the copy durable; answers its length. redb grows its file by
/// doubling it, so a store's file often ends in a large hole that a plain
/// copy would write out as zeros (a third of the file after a large import).
pub fn copy_sparse(src: &Path, dest: &Path) -> std::io::Result<u64> {
    let mut from = std::fs::File::open(src)?;
    let mut to = std::fs::OpenOptions::new().write(true).create_new(true).open(dest)?;
    let mut buf = vec![0u8; 16 * HOLE_BLOCK];
    let mut len = 0u64;
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match from.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        if filled == 0 {
            break;
        }
        for block in buf[..filled].chunks(HOLE_BLOCK) {
            if block.iter().all(|&b| b == 0) {
                to.seek(SeekFrom::Current(block.len() as i64))?;
            } else {
                to.write_all(block)?;
            }
        }
        len += filled as u64;
    }
    // A hole at the end needs the length set explicitly.
    to.set_len(len)?;
    to.sync_all()?;
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_keeps_every_byte_and_leaves_zeros_as_holes() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let dest = dir.path().join("dest");
        let mut content = vec![0u8; 8 << 20];
        // Data at the start, a scattered byte in the middle, data at the very end.
        content[..300_000].iter_mut().enumerate().for_each(|(i, b)| *b = (i % 251) as u8 + 1);
        content[3 << 20] = 7;
        let n = content.len();
        content[n - 10..].copy_from_slice(b"0123456789");
        let mut f = std::fs::File::create(&src).unwrap();
        f.write_all(&content).unwrap();
        // And a hole after it, as redb leaves.
        f.set_len(12 << 20).unwrap();
        drop(f);

        assert_eq!(copy_sparse(&src, &dest).unwrap(), 12 << 20);
        let copied = std::fs::read(&dest).unwrap();
        assert_eq!(copied.len(), 12 << 20);
        assert_eq!(&copied[..n], &content[..]);
        assert!(copied[n..].iter().all(|&b| b == 0));
        // Most of the copy is holes: the file system holds far less than its length.
        let on_disk = crate::store::FileSize::of(&dest).on_disk;
        assert!(on_disk < 2 << 20, "{on_disk} bytes on disk");
        assert!(copy_sparse(&src, &dest).is_err(), "an existing file is never overwritten");
    }
}
