//! Consistent copies of a live store.

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
            let n = std::fs::copy(&self.path, &tmp)?;
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
