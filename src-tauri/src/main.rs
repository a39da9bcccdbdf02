//! The Opsdeck desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some(e) = opsdeck_app::process_env::reexec_tuned() {
        // Logging is not up yet: stderr is all there is.
        eprintln!("opsdeck: running with the default malloc arenas and JavaScript heap ({e})");
    }
    opsdeck_app::run();
}
