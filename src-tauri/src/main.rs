//! The Opsdeck desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some(e) = opsdeck_app::process_env::reexec_tuned() {
        // Logging is not up yet: stderr is all there is.
        eprintln!("opsdeck: running with the default allocator settings and JavaScript heap ({e})");
    }
    opsdeck_app::run();
}

/// The app's Rust code allocates from jemalloc on Linux: with glibc's malloc the positions
/// churn at 10,000 vehicles kept the RSS 25–30 MB higher (its settings and the figures:
/// `process_env.rs`).
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
