//! `alphaguard-drive-sync`: mirror a Drive folder's PDFs into a directory.
//!
//! ```text
//! cargo run -p alphaguard-drive-sync --features cli -- --folder <ID> --dest <DIR>
//! ```
//!
//! Credentials come from alphaguard-gcp-secrets (`GOOGLE_PROJECT_ID` for
//! Secret Manager, else `GOOGLE_CREDENTIALS_JSON`). Exit codes: 0 when
//! every file is mirrored, 1 when some failed or the run stopped, 2 for a
//! configuration problem.

use std::path::PathBuf;
use std::process::ExitCode;

use alphaguard_drive_sync::{DriveClient, DriveConfig, Pacer, Progress, SyncOptions, sync};
use alphaguard_gcp_secrets::{Config, GoogleCredentials};
use clap::Parser;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Mirror the PDFs of a Google Drive folder into a local directory
/// (read-only access, md5-checked, incremental).
#[derive(Debug, Parser)]
#[command(
    name = "alphaguard-drive-sync",
    version,
    after_help = "Credentials (alphaguard-gcp-secrets): GOOGLE_PROJECT_ID reads the service-account key \
from Secret Manager (GOOGLE_SECRET_NAME, default alphapy-google-credentials; GOOGLE_SECRET_VERSION, \
default latest; GOOGLE_APPLICATION_CREDENTIALS or the metadata server for access); otherwise \
GOOGLE_CREDENTIALS_JSON holds the key itself."
)]
struct Args {
    /// The Drive folder id.
    #[arg(long, env = "DRIVE_FOLDER_ID")]
    folder: String,
    /// The local directory.
    #[arg(long, env = "DRIVE_SYNC_DIR")]
    dest: PathBuf,
    /// List the whole folder instead of reading the changes since last run.
    #[arg(long)]
    full: bool,
    /// Keep local copies of files removed or trashed in Drive.
    #[arg(long)]
    keep_removed: bool,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
    /// The largest file mirrored, in bytes [default: 1073741824].
    #[arg(long, env = "DRIVE_MAX_FILE_BYTES")]
    max_file_bytes: Option<String>,
    /// Another Google API root (tests, proxies): https://, or http:// to
    /// loopback only.
    #[arg(long, env = "DRIVE_API_ROOT_URL", hide = true)]
    api_root: Option<String>,
}

struct Bars {
    files: ProgressBar,
    bytes: ProgressBar,
}

impl Progress for Bars {
    fn planned(&self, files: u64, bytes: u64) {
        self.files.set_length(files);
        self.bytes.set_length(bytes);
    }
    fn bytes(&self, n: u64) {
        self.bytes.inc(n);
    }
    fn file_done(&self, _name: &str) {
        self.files.inc(1);
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .init();
    let drive_config = DriveConfig::from_lookup(|var| match var {
        "DRIVE_API_ROOT_URL" => args.api_root.clone(),
        "DRIVE_MAX_FILE_BYTES" => args.max_file_bytes.clone(),
        _ => None,
    });
    let (config, drive_config) = match (Config::from_env(), drive_config) {
        (Ok(c), Ok(d)) => (c, d),
        (c, d) => {
            let mut errors = c.err().unwrap_or_default();
            errors.extend(d.err().unwrap_or_default());
            eprintln!("alphaguard-drive-sync: {errors}");
            return ExitCode::from(2);
        }
    };
    let credentials = match GoogleCredentials::from_config(&config).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("alphaguard-drive-sync: {e}");
            return ExitCode::from(2);
        }
    };
    let client = match DriveClient::from_credentials(&credentials, Pacer::default()).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("alphaguard-drive-sync: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = match &drive_config.api_root {
        Some(root) => client.with_root_url(root),
        None => client,
    };
    let mut options = SyncOptions::new(args.folder, args.dest).with_config(&drive_config);
    options.full = args.full;
    options.delete_removed = !args.keep_removed;

    let multi = MultiProgress::with_draw_target(if args.quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    });
    let files = multi.add(
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("files {pos}/{len} {wide_bar}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
    );
    let bytes = multi.add(
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template(
                "bytes {bytes}/{total_bytes} {binary_bytes_per_sec} {wide_bar}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
    );
    let bars = Bars { files, bytes };
    let result = sync(&client, &options, &bars).await;
    bars.files.finish();
    bars.bytes.finish();
    match result {
        Ok(report) => {
            println!(
                "downloaded {}, unchanged {}, removed {}, failed {} ({} bytes)",
                report.downloaded,
                report.unchanged,
                report.removed,
                report.failed.len(),
                report.bytes
            );
            for (name, why) in &report.failed {
                println!("failed: {}: {why}", name.escape_debug());
            }
            if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("alphaguard-drive-sync: {e}");
            ExitCode::FAILURE
        }
    }
}
