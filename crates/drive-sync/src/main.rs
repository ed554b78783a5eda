//! `alphaguard-drive-sync`: mirror a Drive folder's PDFs into a directory.
//!
//! ```text
//! cargo run -p alphaguard-drive-sync --features cli -- --folder <ID> --dest <DIR>
//! ```
//!
//! The standalone tool for users of this crate (the gateway binary, which
//! is not published, offers the same run as `alphaguard drive-sync`; both
//! are [`alphaguard_drive_sync::cli`]). Credentials come from
//! alphaguard-gcp-secrets (`GOOGLE_PROJECT_ID` for Secret Manager, else
//! `GOOGLE_CREDENTIALS_JSON`). Exit codes: 0 when every file is mirrored,
//! 1 when some failed or the run stopped, 2 for a configuration problem.

use std::path::PathBuf;
use std::process::ExitCode;

use alphaguard_drive_sync::DriveConfig;
use alphaguard_drive_sync::cli::{Run, RunFlags};
use alphaguard_gcp_secrets::Config;
use clap::Parser;

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
    #[command(flatten)]
    flags: RunFlags,
    /// The largest file mirrored, in bytes [default: 1073741824].
    #[arg(long, env = "DRIVE_MAX_FILE_BYTES")]
    max_file_bytes: Option<String>,
    /// Another Google API root (tests, proxies): https://, or http:// to
    /// loopback only.
    #[arg(long, env = "DRIVE_API_ROOT_URL", hide = true)]
    api_root: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    alphaguard_drive_sync::cli::init_logging();
    let drive = DriveConfig::from_lookup(|var| match var {
        "DRIVE_API_ROOT_URL" => args.api_root.clone(),
        "DRIVE_MAX_FILE_BYTES" => args.max_file_bytes.clone(),
        _ => None,
    });
    let (google, drive) = match (Config::from_env(), drive) {
        (Ok(c), Ok(d)) => (c, d),
        (c, d) => {
            let mut errors = c.err().unwrap_or_default();
            errors.extend(d.err().unwrap_or_default());
            eprintln!("alphaguard-drive-sync: {errors}");
            return ExitCode::from(2);
        }
    };
    Run {
        program: "alphaguard-drive-sync",
        google: &google,
        drive: &drive,
        folder: args.folder,
        dest: args.dest,
        flags: args.flags,
    }
    .run()
    .await
}
