//! The background Drive mirror (with `DRIVE_FOLDER_ID` and `DRIVE_SYNC_DIR`).

use std::sync::Arc;

use alphaguard_drive_sync::{
    DriveClient, NoProgress, Pacer, SyncError, SyncOptions, SyncReport, sync,
};
use alphaguard_gcp_secrets::GoogleCredentials;

use crate::settings::DriveSettings;

/// One run: a client built from the current credentials (so a cleared
/// cache or a rotated key takes effect at the next run), then the mirror.
pub async fn run_once(
    credentials: &GoogleCredentials,
    settings: &DriveSettings,
) -> Result<SyncReport, SyncError> {
    let client = DriveClient::from_credentials(credentials, Pacer::default()).await?;
    let client = match &settings.api_root {
        Some(root) => client.with_root_url(root),
        None => client,
    };
    let mut options = SyncOptions::new(settings.folder_id.clone(), settings.dir.clone());
    options.max_file_bytes = settings.max_file_bytes;
    sync(&client, &options, &NoProgress).await
}

/// Mirrors at start and then every `settings.interval`, logging a summary
/// of each run, until the task is aborted.
pub fn spawn(
    credentials: Arc<GoogleCredentials>,
    settings: DriveSettings,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&credentials, &settings).await {
                Ok(report) if report.failed.is_empty() => tracing::info!(
                    downloaded = report.downloaded,
                    unchanged = report.unchanged,
                    removed = report.removed,
                    "Drive mirror synced"
                ),
                Ok(report) => tracing::warn!(
                    downloaded = report.downloaded,
                    unchanged = report.unchanged,
                    removed = report.removed,
                    failed = report.failed.len(),
                    "Drive mirror synced with failures"
                ),
                Err(e) => tracing::warn!(error = %e, "Drive mirror failed"),
            }
            tokio::time::sleep(settings.interval).await;
        }
    })
}
