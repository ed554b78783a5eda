//! What a previous run mirrored, kept beside the files.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::names::{is_safe_local_name, valid_file_id};

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
    /// is an error (never silently a fresh start that re-downloads all),
    /// and so is one that fails [`validate`](Self::validate): the next run
    /// deletes and renames the files it names, so it is trusted no more
    /// than Drive's names are.
    pub fn load(dir: &Path) -> io::Result<Self> {
        let manifest: Self = match std::fs::read(dir.join(MANIFEST_NAME)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(e),
        };
        manifest
            .validate()
            .map_err(|why| io::Error::new(io::ErrorKind::InvalidData, why))?;
        Ok(manifest)
    }

    /// Checks every entry is one this mirror could have written: the
    /// folder and file ids are Drive ids, each `local` is a name
    /// [`safe_file_name`](crate::safe_file_name) could have chosen (one
    /// component inside the target: never `/etc/x`, `../x` or the
    /// manifest itself), no two entries share a name (ASCII case-insensitively, as
    /// [`name_taken`](Self::name_taken) compares),
    /// each md5 is 32 lower-case hex digits, and the changes token is
    /// short printable ASCII. The reason names the entry by its (checked)
    /// id, never by the offending value.
    pub fn validate(&self) -> Result<(), String> {
        if !self.folder_id.is_empty() && !valid_file_id(&self.folder_id) {
            return Err("folder_id is not a Drive id".to_owned());
        }
        if self.start_page_token.as_deref().is_some_and(|t| {
            t.is_empty() || t.len() > 1024 || !t.bytes().all(|b| b.is_ascii_graphic())
        }) {
            return Err("start_page_token is not a Drive page token".to_owned());
        }
        let mut seen = std::collections::BTreeSet::new();
        for (n, (id, entry)) in self.files.iter().enumerate() {
            if !valid_file_id(id) {
                return Err(format!("entry {}: the file id is not a Drive id", n + 1));
            }
            if !is_safe_local_name(&entry.local) {
                return Err(format!(
                    "file {id}: `local` is not a name this mirror writes"
                ));
            }
            if !seen.insert(entry.local.to_ascii_lowercase()) {
                return Err(format!("file {id}: `local` is another entry's name too"));
            }
            if entry.md5.len() != 32
                || !entry
                    .md5
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(format!("file {id}: `md5` is not an md5"));
            }
        }
        Ok(())
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
