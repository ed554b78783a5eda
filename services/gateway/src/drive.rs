//! The Drive mirror (with `DRIVE_FOLDER_ID` and `DRIVE_SYNC_DIR`): a run at
//! start and every `DRIVE_SYNC_INTERVAL_SECS`, or when an owner asks
//! (`POST /api/admin/drive/sync`). One run at a time: a run asked for while
//! another is going is refused (409), and a scheduled run that finds one
//! going is skipped. `GET /api/admin/drive/status` reads [`DriveStatus`].

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use alphaguard_drive_sync::{
    DriveClient, NoProgress, Pacer, SyncError, SyncOptions, SyncReport, sync,
};
use alphaguard_gcp_secrets::GoogleCredentials;
use alphaguard_sanitize::safe_log_message;
use serde::Serialize;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::settings::DriveSettings;

/// At most this many failed files are listed in the status (the count is
/// always exact).
const LISTED_FAILURES: usize = 20;

/// Who started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The start-up run or the interval.
    Schedule,
    /// An owner, through `POST /api/admin/drive/sync`.
    Owner,
}

/// The mirror's state, as `GET /api/admin/drive/status` shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DriveStatus {
    /// A run is going now.
    pub running: bool,
    /// Runs finished since the start (successful or not).
    pub runs: u64,
    /// The last run, once one has finished.
    pub last: Option<RunSummary>,
}

/// One finished run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Who started it.
    pub trigger: Trigger,
    /// When it started and finished, in Unix seconds.
    pub started_at: u64,
    /// See `started_at`.
    pub finished_at: u64,
    /// `ok`, `partial` (some files failed) or `failed` (the run stopped).
    pub outcome: &'static str,
    /// Files downloaded.
    pub downloaded: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Local files removed because they left the folder.
    pub removed: usize,
    /// Files that failed (the count).
    pub failed: usize,
    /// The first failures: file name and reason, made safe for logs.
    pub failures: Vec<Failure>,
    /// Why the run stopped, when it did (made safe for logs).
    pub error: Option<String>,
}

/// A file that failed to mirror.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The file's name.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// A run is already going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The mirror: settings, credentials, the one-run-at-a-time lock and the
/// last run's summary.
#[derive(Debug)]
pub struct DriveMirror {
    credentials: Arc<GoogleCredentials>,
    settings: DriveSettings,
    running: Arc<AsyncMutex<()>>,
    status: Mutex<DriveStatus>,
}

impl DriveMirror {
    /// A mirror of `settings.folder_id` into `settings.dir`.
    pub fn new(credentials: Arc<GoogleCredentials>, settings: DriveSettings) -> Arc<Self> {
        Arc::new(Self {
            credentials,
            settings,
            running: Arc::new(AsyncMutex::new(())),
            status: Mutex::new(DriveStatus::default()),
        })
    }

    /// The mirror's state now.
    pub fn status(&self) -> DriveStatus {
        let mut status = self
            .status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        status.running = self.running.try_lock().is_err();
        status
    }

    /// Starts a run in the background, or says one is already going.
    pub fn start(self: &Arc<Self>, trigger: Trigger) -> Result<(), Busy> {
        let guard = Arc::clone(&self.running)
            .try_lock_owned()
            .map_err(|_| Busy)?;
        let mirror = Arc::clone(self);
        tokio::spawn(async move { mirror.run(guard, trigger).await });
        Ok(())
    }

    /// Mirrors at start and then every interval, until the task is
    /// aborted. A tick that finds an owner's run going is skipped.
    pub fn spawn_schedule(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let mirror = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                match Arc::clone(&mirror.running).try_lock_owned() {
                    Ok(guard) => mirror.run(guard, Trigger::Schedule).await,
                    Err(_) => tracing::info!("Drive mirror already running; scheduled run skipped"),
                }
                tokio::time::sleep(mirror.settings.interval).await;
            }
        })
    }

    async fn run(&self, _guard: OwnedMutexGuard<()>, trigger: Trigger) {
        let started_at = unix_now();
        let result = self.run_once().await;
        let summary = summarise(trigger, started_at, &result);
        match &result {
            Ok(report) if report.failed.is_empty() => tracing::info!(
                trigger = ?trigger,
                downloaded = report.downloaded,
                unchanged = report.unchanged,
                removed = report.removed,
                "Drive mirror synced"
            ),
            Ok(report) => tracing::warn!(
                trigger = ?trigger,
                downloaded = report.downloaded,
                unchanged = report.unchanged,
                removed = report.removed,
                failed = report.failed.len(),
                "Drive mirror synced with failures"
            ),
            Err(e) => tracing::warn!(trigger = ?trigger, error = %e, "Drive mirror failed"),
        }
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        status.runs += 1;
        status.last = Some(summary);
    }

    /// One run: a client built from the current credentials (so a cleared
    /// cache or a rotated key takes effect at the next run), then the
    /// mirror, within `DRIVE_MAX_FILE_BYTES`.
    async fn run_once(&self) -> Result<SyncReport, SyncError> {
        let client = DriveClient::from_credentials(&self.credentials, Pacer::default()).await?;
        let client = match &self.settings.config.api_root {
            Some(root) => client.try_with_root_url(root)?,
            None => client,
        };
        let options = SyncOptions::new(self.settings.folder_id.clone(), self.settings.dir.clone())
            .with_config(&self.settings.config);
        sync(&client, &options, &NoProgress).await
    }
}

fn summarise(
    trigger: Trigger,
    started_at: u64,
    result: &Result<SyncReport, SyncError>,
) -> RunSummary {
    let mut summary = RunSummary {
        trigger,
        started_at,
        finished_at: unix_now(),
        outcome: "failed",
        downloaded: 0,
        unchanged: 0,
        removed: 0,
        failed: 0,
        failures: Vec::new(),
        error: None,
    };
    match result {
        Ok(report) => {
            summary.outcome = if report.failed.is_empty() {
                "ok"
            } else {
                "partial"
            };
            summary.downloaded = report.downloaded;
            summary.unchanged = report.unchanged;
            summary.removed = report.removed;
            summary.failed = report.failed.len();
            summary.failures = report
                .failed
                .iter()
                .take(LISTED_FAILURES)
                .map(|(file, reason)| Failure {
                    file: safe_log_message(file).into_owned(),
                    reason: safe_log_message(reason).into_owned(),
                })
                .collect();
        }
        Err(e) => summary.error = Some(safe_log_message(&e.to_string()).into_owned()),
    }
    summary
}
