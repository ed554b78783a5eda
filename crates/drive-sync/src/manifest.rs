//! What a previous run mirrored, kept beside the files.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The manifest's file name inside the target directory.
pub const MANIFEST_NAME: &str = ".alphaguard-drive-sync.json";

/// One mirrored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The local file name (one component inside the target).
    pub local: String,
    /// Drive's `md5Checksum` of the content on disk.
    pub md5: String,
    /// Its size in bytes.
    pub size: u64,
}

/// The manifest: which Drive file is which local file, and where the
/// changes feed stood.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The folder mirrored.
    pub folder_id: String,
    /// The changes API token to continue from.
    pub start_page_token: Option<String>,
    /// Drive file id → local file.
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads `dir`'s manifest; a missing one is empty, an unreadable one
    /// is an error (never silently a fresh start that re-downloads all).
    pub fn load(dir: &Path) -> io::Result<Self> {
        match std::fs::read(dir.join(MANIFEST_NAME)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes it atomically: a temporary file, fsync, rename, fsync of
    /// the directory.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        let tmp: PathBuf = dir.join(format!("{MANIFEST_NAME}.tmp"));
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        {
            use std::io::Write as _;
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, dir.join(MANIFEST_NAME))?;
        sync_dir(dir)
    }

    /// Whether `local` (compared case-insensitively, as some file systems
    /// do) belongs to a file other than `id`.
    pub fn name_taken(&self, local: &str, id: &str) -> bool {
        self.files
            .iter()
            .any(|(other, e)| other != id && e.local.eq_ignore_ascii_case(local))
    }
}

/// Flushes a directory's entries (a rename is durable only then).
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
