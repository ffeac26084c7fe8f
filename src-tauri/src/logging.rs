//! Logs: a daily-rotated file in the data folder (a week kept) and stderr.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// Log files kept before the oldest is deleted.
const KEPT_FILES: usize = 7;

/// Start logging to `dir` and stderr (`RUST_LOG` filters, `info` by default). Keep the guard
/// alive for the life of the app: dropping it flushes and stops the file writer.
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer().with_writer(std::io::stderr);
    let appender = std::fs::create_dir_all(dir).map_err(|e| e.to_string()).and_then(|()| {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("callscope")
            .filename_suffix("log")
            .max_log_files(KEPT_FILES)
            .build(dir)
            .map_err(|e| e.to_string())
    });
    match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file = fmt::layer().with_ansi(false).with_writer(writer);
            let _ = tracing_subscriber::registry().with(filter).with(stderr).with(file).try_init();
            Some(guard)
        }
        Err(detail) => {
            let _ = tracing_subscriber::registry().with(filter).with(stderr).try_init();
            tracing::warn!(dir = %dir.display(), %detail, "logging to stderr only: the log folder cannot be written");
            None
        }
    }
}
