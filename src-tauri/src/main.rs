//! The Opsdeck desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some(e) = opsdeck_app::allocator::limit_arenas() {
        // Logging is not up yet: stderr is all there is.
        eprintln!("opsdeck: running with glibc's default malloc arenas ({e})");
    }
    opsdeck_app::run();
}
