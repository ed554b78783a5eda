//! Mirroring a folder's PDFs into a directory.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::SyncError;
use crate::client::{DriveClient, RemoteFile};
use crate::config::{DEFAULT_MAX_FILE_BYTES, DriveConfig};
use crate::manifest::{Entry, MANIFEST_NAME, Manifest, sync_dir};
use crate::names::{disambiguated, safe_file_name, valid_file_id};

/// The MIME type mirrored.
pub const PDF: &str = "application/pdf";

/// What to mirror where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// The Drive folder id.
    pub folder_id: String,
    /// The local directory (created if missing).
    pub dest: PathBuf,
    /// Delete local copies of files removed, trashed or moved away
    /// remotely (default on).
    pub delete_removed: bool,
    /// List the whole folder even when the changes feed could be used.
    pub full: bool,
    /// Files per listing page (Drive allows up to 1000).
    pub page_size: i32,
    /// Downloads of one file before it counts as failed (an md5 mismatch
    /// or a broken transfer is retried).
    pub download_attempts: u32,
    /// The largest file mirrored (`DRIVE_MAX_FILE_BYTES`, default
    /// [`DEFAULT_MAX_FILE_BYTES`]): a file listed larger is not
    /// downloaded, and a download stops as soon as more than this, or more
    /// than the file's listed `size`, has arrived. Either way the file
    /// fails and nothing of it is kept.
    pub max_file_bytes: u64,
}

impl SyncOptions {
    /// Mirror `folder_id` into `dest` with the defaults.
    pub fn new(folder_id: impl Into<String>, dest: impl Into<PathBuf>) -> Self {
        Self {
            folder_id: folder_id.into(),
            dest: dest.into(),
            delete_removed: true,
            full: false,
            page_size: 1000,
            download_attempts: 3,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }

    /// These options with the limits `config` sets.
    #[must_use]
    pub fn with_config(mut self, config: &DriveConfig) -> Self {
        self.max_file_bytes = config.max_file_bytes;
        self
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Files downloaded.
    pub downloaded: usize,
    /// Mirrored files left as they were (md5 unchanged, or not mentioned
    /// by the changes feed).
    pub unchanged: usize,
    /// Local copies removed.
    pub removed: usize,
    /// Files that could not be mirrored: (Drive name, why).
    pub failed: Vec<(String, String)>,
    /// Bytes downloaded.
    pub bytes: u64,
    /// `files.list` pages read.
    pub list_pages: usize,
    /// `changes.list` pages read.
    pub change_pages: usize,
}

/// Follows a run's progress (the CLI draws bars with it).
pub trait Progress: Send + Sync {
    /// The work ahead: files to download and their bytes.
    fn planned(&self, _files: u64, _bytes: u64) {}
    /// Bytes arrived.
    fn bytes(&self, _n: u64) {}
    /// One file finished (downloaded or failed).
    fn file_done(&self, _name: &str) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

fn is_wanted(file: &RemoteFile, folder: &str) -> bool {
    !file.trashed && file.mime_type == PDF && file.parents.iter().any(|p| p == folder)
}

fn partial_name(id: &str) -> String {
    format!(".{id}.partial")
}

/// Mirrors the folder's PDFs into `options.dest`.
///
/// - First run (or `full`): the changes feed's position is taken, then the
///   folder is listed (`'FOLDER' in parents and mimeType='application/pdf'
///   and trashed=false`, shared drives included, 1000 per page).
/// - Later runs: only the changes since the last run are read.
/// - A file whose md5 matches the manifest and whose local copy is there is
///   never downloaded again.
/// - Downloads stream to a temporary file in the target directory, are
///   checked against `md5Checksum`, fsynced and renamed into place; a
///   mismatch is retried, then reported without leaving a partial file.
/// - A file listed larger than `max_file_bytes` is not downloaded; a
///   download that brings more than the listed `size` (or the cap) is cut
///   off; either fails that file and leaves nothing.
/// - The manifest is validated when read ([`Manifest::validate`]): one
///   naming a path outside the target stops the run.
/// - Files removed, trashed or moved out of the folder lose their local
///   copy (unless `delete_removed` is off). Only files the manifest lists
///   are ever deleted or overwritten.
/// - Names are untrusted: see [`safe_file_name`]; two files whose names
///   collide get `name (id).pdf`.
///
/// If some files fail, the next run lists the folder in full, so none is
/// forgotten.
pub async fn sync(
    client: &DriveClient,
    options: &SyncOptions,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let dest = options.dest.as_path();
    std::fs::create_dir_all(dest).map_err(SyncError::Io)?;
    let mut manifest =
        Manifest::load(dest).map_err(|e| SyncError::Manifest(format!("{MANIFEST_NAME}: {e}")))?;
    if !manifest.folder_id.is_empty() && manifest.folder_id != options.folder_id {
        return Err(SyncError::Config(format!(
            "{} mirrors another folder; use an empty directory",
            dest.display()
        )));
    }
    manifest.folder_id.clone_from(&options.folder_id);
    remove_partials(dest);

    let mut report = SyncReport::default();
    // What Drive has now (id → file) and which ids are gone.
    let mut present: BTreeMap<String, RemoteFile> = BTreeMap::new();
    let mut gone: BTreeSet<String> = BTreeSet::new();
    let next_token = match (&manifest.start_page_token, options.full) {
        (Some(token), false) => {
            let (changes, next, pages) = client.changes_since(token, options.page_size).await?;
            report.change_pages = pages;
            for change in changes {
                match change.file {
                    Some(file) if is_wanted(&file, &options.folder_id) => {
                        gone.remove(&change.file_id);
                        present.insert(change.file_id, file);
                    }
                    _ => {
                        present.remove(&change.file_id);
                        gone.insert(change.file_id);
                    }
                }
            }
            next
        }
        _ => {
            // Take the position first: changes during the listing are
            // then seen next time.
            let token = client.start_page_token().await?;
            let (files, pages) = client
                .list_pdfs(&options.folder_id, options.page_size)
                .await?;
            report.list_pages = pages;
            for file in files
                .into_iter()
                .filter(|f| is_wanted(f, &options.folder_id))
            {
                present.insert(file.id.clone(), file);
            }
            gone.extend(
                manifest
                    .files
                    .keys()
                    .filter(|id| !present.contains_key(*id))
                    .cloned(),
            );
            token
        }
    };

    // Removals first, so their names are free for newcomers.
    for id in &gone {
        let Some(entry) = manifest.files.remove(id) else {
            continue;
        };
        if options.delete_removed {
            let path = dest.join(&entry.local);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_file() => {
                    std::fs::remove_file(&path).map_err(SyncError::Io)?;
                    report.removed += 1;
                }
                Ok(_) => tracing::warn!(file = %entry.local, "not a regular file; left alone"),
                Err(_) => {}
            }
        }
    }

    let mut downloads = Vec::new();
    for (id, file) in present {
        let up_to_date = manifest.files.get(&id).is_some_and(|entry| {
            Some(&entry.md5) == file.md5.as_ref()
                && std::fs::metadata(dest.join(&entry.local))
                    .is_ok_and(|m| m.is_file() && m.len() == entry.size)
        });
        if !up_to_date {
            downloads.push(file);
        }
    }
    progress.planned(
        downloads.len() as u64,
        downloads.iter().filter_map(|f| f.size).sum(),
    );

    for file in downloads {
        match download_one(client, dest, &mut manifest, &file, options, progress).await {
            Ok(bytes) => {
                report.downloaded += 1;
                report.bytes += bytes;
                manifest
                    .save(dest)
                    .map_err(|e| SyncError::Manifest(e.to_string()))?;
            }
            Err(e) => {
                tracing::warn!(file_id = %file.id, error = %e, "file not mirrored");
                report.failed.push((file.name.clone(), e.to_string()));
            }
        }
        progress.file_done(&file.name);
    }

    // Unchanged: every mirrored file this run did not download (in an
    // incremental run, those the changes feed did not mention).
    report.unchanged = manifest.files.len().saturating_sub(report.downloaded);
    // With failures, the next run lists everything again.
    manifest.start_page_token = report.failed.is_empty().then_some(next_token);
    manifest
        .save(dest)
        .map_err(|e| SyncError::Manifest(e.to_string()))?;
    Ok(report)
}

/// Leftovers of an interrupted run.
fn remove_partials(dest: &Path) {
    if let Ok(entries) = std::fs::read_dir(dest) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(".partial") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The local name for `file`: its safe name, unless another mirrored file
/// or a file we do not manage already has it.
fn local_name(dest: &Path, manifest: &Manifest, file: &RemoteFile) -> String {
    let ours = manifest.files.get(&file.id).map(|e| e.local.as_str());
    let plain = safe_file_name(&file.name);
    let free = |name: &str| {
        !manifest.name_taken(name, &file.id)
            && (ours.is_some_and(|o| o.eq_ignore_ascii_case(name))
                || std::fs::symlink_metadata(dest.join(name)).is_err())
    };
    if free(&plain) {
        plain
    } else {
        disambiguated(&plain, &file.id)
    }
}

async fn download_one(
    client: &DriveClient,
    dest: &Path,
    manifest: &mut Manifest,
    file: &RemoteFile,
    options: &SyncOptions,
    progress: &dyn Progress,
) -> Result<u64, SyncError> {
    if !valid_file_id(&file.id) {
        return Err(SyncError::Api("file id is not a Drive id".to_owned()));
    }
    let Some(expected) = file.md5.clone() else {
        return Err(SyncError::Api("Drive gave no md5Checksum".to_owned()));
    };
    // The most bytes accepted: the listed size, within the cap.
    let limit = match file.size {
        Some(size) if size > options.max_file_bytes => {
            return Err(SyncError::TooLarge(format!(
                "listed at {size} bytes; DRIVE_MAX_FILE_BYTES is {}",
                options.max_file_bytes
            )));
        }
        Some(size) => size,
        None => options.max_file_bytes,
    };
    let local = local_name(dest, manifest, file);
    let target = dest.join(&local);
    let partial = dest.join(partial_name(&file.id));
    let mut last = String::new();
    for attempt in 1..=options.download_attempts.max(1) {
        let _ = std::fs::remove_file(&partial);
        let mut out = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
            .await
            .map_err(SyncError::Io)?;
        let result = client
            .download(&file.id, &mut out, limit, &|n| progress.bytes(n))
            .await;
        match result {
            Ok((bytes, md5)) if md5 == expected => {
                out.sync_all().await.map_err(SyncError::Io)?;
                drop(out);
                std::fs::rename(&partial, &target).map_err(SyncError::Io)?;
                sync_dir(dest).map_err(SyncError::Io)?;
                if let Some(old) = manifest.files.get(&file.id)
                    && !old.local.eq_ignore_ascii_case(&local)
                {
                    let _ = std::fs::remove_file(dest.join(&old.local));
                }
                manifest.files.insert(
                    file.id.clone(),
                    Entry {
                        local,
                        md5,
                        size: bytes,
                    },
                );
                return Ok(bytes);
            }
            Ok((_, md5)) => {
                last = format!("md5 mismatch (expected {expected}, got {md5})");
                tracing::warn!(file_id = %file.id, attempt, "download failed its md5 check");
            }
            Err(SyncError::Transient(why)) => last = why,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        }
        drop(out);
    }
    let _ = std::fs::remove_file(&partial);
    Err(SyncError::Api(format!(
        "gave up after {} attempts: {last}",
        options.download_attempts.max(1)
    )))
}
