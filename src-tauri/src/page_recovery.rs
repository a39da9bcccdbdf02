//! Brings the page back when WebKit's web process dies.
//!
//! The page runs in a process of its own (WebKitWebProcess). When it crashes, or the OS kills
//! it for memory, WebKitGTK leaves the window blank until something reloads it, and Tauri
//! does not. A console on a wall screen that stays blank is worse than one that reloads: the
//! page reads everything back from the Rust side when it loads (snapshots, a new positions
//! channel), so a reload restores the live view. Reloads back off while the page keeps
//! dying, so one that crashes on load does not spin a core.

use std::time::{Duration, Instant};

/// Crashes less than this apart make a streak.
pub const STREAK_GAP: Duration = Duration::from_secs(60);

/// The wait before each reload of a streak: at once, then 1 s, 5 s, and 30 s from then on.
pub const BACKOFF: [Duration; 4] = [
    Duration::ZERO,
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(30),
];

/// The crash streak of one webview.
#[derive(Debug, Default)]
pub struct Recovery {
    streak: usize,
    last: Option<Instant>,
}

impl Recovery {
    /// Records a crash at `now`; returns how long to wait before reloading.
    pub fn crashed(&mut self, now: Instant) -> Duration {
        let continues = self
            .last
            .is_some_and(|t| now.saturating_duration_since(t) < STREAK_GAP);
        self.streak = if continues { self.streak + 1 } else { 0 };
        self.last = Some(now);
        BACKOFF[self.streak.min(BACKOFF.len() - 1)]
    }
}

/// Reloads the window's page when its web process dies (not when the app ended it).
#[cfg(target_os = "linux")]
pub fn install(window: &tauri::WebviewWindow) {
    let installed = window.with_webview(|platform| {
        use webkit2gtk::{WebProcessTerminationReason, WebViewExt, glib};
        let recovery = std::cell::RefCell::new(Recovery::default());
        platform
            .inner()
            .connect_web_process_terminated(move |view, reason| {
                if reason == WebProcessTerminationReason::TerminatedByApi {
                    return;
                }
                let wait = recovery.borrow_mut().crashed(Instant::now());
                tracing::error!(
                    ?reason,
                    wait_ms = wait.as_millis() as u64,
                    "the page's web process died; reloading the page"
                );
                let view = view.clone();
                glib::timeout_add_local_once(wait, move || {
                    view.reload();
                    tracing::info!("page reloaded after its web process died");
                });
            });
    });
    if let Err(e) = installed {
        tracing::warn!(error = %e, "cannot watch the page's web process");
    }
}

/// Other platforms: the system webview's own behaviour.
#[cfg(not(target_os = "linux"))]
pub fn install(_window: &tauri::WebviewWindow) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_crash_reloads_at_once() {
        let mut r = Recovery::default();
        assert_eq!(r.crashed(Instant::now()), Duration::ZERO);
    }

    #[test]
    fn a_streak_backs_off_and_stays_at_the_longest_wait() {
        let mut r = Recovery::default();
        let t0 = Instant::now();
        let waits: Vec<u64> = (0..6)
            .map(|i| r.crashed(t0 + Duration::from_secs(30 * i)).as_secs())
            .collect();
        assert_eq!(waits, [0, 1, 5, 30, 30, 30]);
    }

    #[test]
    fn a_quiet_minute_ends_the_streak() {
        let mut r = Recovery::default();
        let t0 = Instant::now();
        r.crashed(t0);
        assert_eq!(r.crashed(t0 + Duration::from_secs(2)).as_secs(), 1);
        let later = t0 + Duration::from_secs(2) + STREAK_GAP;
        assert_eq!(r.crashed(later), Duration::ZERO, "a new streak");
    }
}
