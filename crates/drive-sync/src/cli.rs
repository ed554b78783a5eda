//! The command-line front end (feature `cli`), shared by the crate's own
//! `alphaguard-drive-sync` binary and the gateway's `alphaguard
//! drive-sync` subcommand: one run of the mirror with progress bars, a
//! summary line, and exit codes 0 (every file mirrored), 1 (some failed or
//! the run stopped), 2 (configuration).

use std::path::PathBuf;
use std::process::ExitCode;

use alphaguard_gcp_secrets::{Config, GoogleCredentials};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{DriveClient, DriveConfig, Pacer, Progress, SyncOptions, sync};

/// How one run behaves (flatten into a clap command).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RunFlags {
    /// List the whole folder instead of reading the changes since last run.
    #[arg(long)]
    pub full: bool,
    /// Keep local copies of files removed or trashed in Drive.
    #[arg(long)]
    pub keep_removed: bool,
    /// No progress bars.
    #[arg(long)]
    pub quiet: bool,
}

/// What one run mirrors, from where, and with which credentials.
#[derive(Debug)]
pub struct Run<'a> {
    /// The program's name, for error lines (`alphaguard drive-sync`).
    pub program: &'a str,
    /// Where the credentials come from (`GOOGLE_*`).
    pub google: &'a Config,
    /// `DRIVE_API_ROOT_URL`, `DRIVE_MAX_FILE_BYTES`.
    pub drive: &'a DriveConfig,
    /// `DRIVE_FOLDER_ID`.
    pub folder: String,
    /// `DRIVE_SYNC_DIR`.
    pub dest: PathBuf,
    /// The flags.
    pub flags: RunFlags,
}

/// Warnings and errors to stderr (stdout carries the summary).
pub fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .try_init();
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

impl Run<'_> {
    /// Mirrors once, prints `downloaded N, unchanged N, removed N, failed
    /// N (B bytes)` and one `failed: name: why` line per failed file.
    pub async fn run(self) -> ExitCode {
        let program = self.program;
        let credentials = match GoogleCredentials::from_config(self.google).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{program}: {e}");
                return ExitCode::from(2);
            }
        };
        let client = match DriveClient::from_credentials(&credentials, Pacer::default()).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{program}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let client = match &self.drive.api_root {
            Some(root) => match client.try_with_root_url(root) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{program}: {e}");
                    return ExitCode::from(2);
                }
            },
            None => client,
        };
        let mut options = SyncOptions::new(self.folder, self.dest).with_config(self.drive);
        options.full = self.flags.full;
        options.delete_removed = !self.flags.keep_removed;

        let multi = MultiProgress::with_draw_target(if self.flags.quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        });
        let style = |template: &str| {
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
        };
        let bars = Bars {
            files: multi.add(ProgressBar::new(0).with_style(style("files {pos}/{len} {wide_bar}"))),
            bytes: multi.add(ProgressBar::new(0).with_style(style(
                "bytes {bytes}/{total_bytes} {binary_bytes_per_sec} {wide_bar}",
            ))),
        };
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
                eprintln!("{program}: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
