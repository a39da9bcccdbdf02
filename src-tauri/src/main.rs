//! The Opsdeck desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    opsdeck_app::run();
}
