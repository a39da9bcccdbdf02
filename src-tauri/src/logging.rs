//! Logs: `tracing` to a daily-rotated file in the app's log directory (7 files kept) and to
//! stderr. `RUST_LOG` filters (default `info`).

use std::path::Path;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Lines queued for the log file before new ones are dropped. The default (128,000) allocates
/// a 4 MB queue up front; a desktop app logs a few lines a second.
const BUFFERED_LINES: usize = 4096;

/// Starts logging; keep the guard alive for the life of the app (it flushes on drop).
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("opsdeck")
        .filename_suffix("log")
        .max_log_files(7)
        .build(dir);
    let (file_layer, guard) = match appender {
        Ok(a) => {
            let (writer, guard) = NonBlockingBuilder::default()
                .buffered_lines_limit(BUFFERED_LINES)
                .finish(a);
            (
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(writer)
                        .with_filter(filter()),
                ),
                Some(guard),
            )
        }
        Err(_) => (None, None),
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr)
        .try_init();
    guard
}

use tracing_subscriber::Layer as _;
