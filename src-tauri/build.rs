//! Generates the Tauri context from the top-level `tauri.conf.json`.
fn main() {
    tauri_build::build();
}
