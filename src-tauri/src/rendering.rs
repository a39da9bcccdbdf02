//! How the webview paints on a machine without a GPU.
//!
//! WebKitGTK composites the page with OpenGL. Without a GPU that GL is Mesa's software
//! rasteriser (llvmpipe): every composited layer becomes a texture held in the web process's
//! memory, and the map's WebGL canvas is copied through the compositor on each frame.
//! Painting the page without compositing (WebGL still renders, read back into the page) was
//! measured at 10,000 moving vehicles under Xvfb (BENCHMARKS.md, stop 13):
//! the WebKit processes' PSS went from 551 MB to 421–441 MB and the Fleet screen's frame
//! p95 from 32 ms to 26–28 ms, p99 from 124 ms to 43 ms.
//!
//! With a GPU (a DRM render node), compositing is left on: it is the fast path there.
//! `WEBKIT_DISABLE_COMPOSITING_MODE`, when set, is WebKit's own switch and wins either way.

use std::path::Path;

/// What to do with the webview's compositing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositing {
    /// Leave WebKit's default (GPU present, or the user chose with WebKit's variable).
    Default,
    /// Paint without accelerated compositing (software GL only).
    Off,
}

/// The decision, from WebKit's own variable (if set) and whether a GPU render node exists.
pub fn choose(webkit_variable: Option<&str>, has_render_node: bool) -> Compositing {
    match (webkit_variable, has_render_node) {
        (Some(_), _) | (None, true) => Compositing::Default,
        (None, false) => Compositing::Off,
    }
}

/// Whether `dir` (normally `/dev/dri`) holds a DRM render node (`renderD128`, …).
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// This machine's decision.
pub fn detect() -> Compositing {
    let variable = std::env::var("WEBKIT_DISABLE_COMPOSITING_MODE").ok();
    choose(variable.as_deref(), has_render_node(Path::new("/dev/dri")))
}

/// Applies `choice` to the window's webview. Called from the app's setup, while the first
/// page loads; WebKit leaves compositing when the policy changes.
#[cfg(target_os = "linux")]
pub fn apply(window: &tauri::WebviewWindow, choice: Compositing) {
    if choice != Compositing::Off {
        return;
    }
    let applied = window.with_webview(|platform| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&platform.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    match applied {
        Ok(()) => tracing::info!("no GPU render node: webview compositing off (software GL)"),
        Err(e) => tracing::warn!(error = %e, "cannot change the webview's compositing"),
    }
}

/// Other platforms keep the webview's defaults.
#[cfg(not(target_os = "linux"))]
pub fn apply(_window: &tauri::WebviewWindow, _choice: Compositing) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_gl_turns_compositing_off() {
        assert_eq!(choose(None, false), Compositing::Off);
    }

    #[test]
    fn a_gpu_keeps_webkits_default() {
        assert_eq!(choose(None, true), Compositing::Default);
    }

    #[test]
    fn webkits_own_variable_wins_either_way() {
        assert_eq!(choose(Some("0"), false), Compositing::Default);
        assert_eq!(choose(Some("1"), true), Compositing::Default);
    }

    #[test]
    fn render_nodes_are_found_by_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
    }
}
