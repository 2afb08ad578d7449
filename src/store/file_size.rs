//! How big the database file is: its length, and the space the file system
//! actually holds for it.
//!
//! redb grows a file by doubling it with `set_len`, which leaves a hole at
//! the end that takes no disk until pages are written there. So after a large
//! import the length overstates the space used by up to half; `du` and
//! [`FileSize::on_disk`] tell the truth.

use std::fmt;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSize {
    /// The file's length, holes included.
    pub length: u64,
    /// Bytes the file system has allocated for it (what `du` shows).
    pub on_disk: u64,
}

impl FileSize {
    /// The sizes of the file at `path` (zeros when it cannot be read).
    pub fn of(path: &Path) -> FileSize {
        let Ok(m) = std::fs::metadata(path) else { return FileSize { length: 0, on_disk: 0 } };
        FileSize { length: m.len(), on_disk: allocated(&m) }
    }
}

#[cfg(unix)]
fn allocated(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    // st_blocks counts 512-byte units whatever the file system's block size.
    m.blocks() * 512
}

#[cfg(not(unix))]
fn allocated(m: &std::fs::Metadata) -> u64 {
    m.len()
}

impl fmt::Display for FileSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mb = |b: u64| b as f64 / 1e6;
        if self.on_disk < self.length {
            write!(f, "{:.0} MB on disk (length {:.0} MB)", mb(self.on_disk), mb(self.length))
        } else {
            write!(f, "{:.0} MB on disk", mb(self.on_disk))
        }
    }
}
