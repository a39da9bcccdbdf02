//! The tray icon: unread notifications and unacknowledged critical alerts in its tooltip and
//! title, and quick actions (Show Opsdeck, Compose notification, Alerts, Quit). Desktops
//! without a system tray (Xvfb in CI) get a warning in the log, never a failed start.
//!
//! It follows the counts by listening to the app's own `notify://count` and
//! `alerts://unacked-critical` events, so nothing else has to know it exists.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Listener, Manager};

use crate::shell::Shell;

/// The tray icon's id.
const TRAY_ID: &str = "opsdeck";
/// Event asking the UI to open a screen: payload [`Navigate`].
pub const NAVIGATE_EVENT: &str = "tray://navigate";

/// `tray://navigate`: the screen to open, and optionally what to do there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Navigate {
    /// A view id of `ui/src/lib/nav.ts`.
    pub view: &'static str,
    /// `compose` opens the notification composer.
    pub action: Option<&'static str>,
}

/// The tooltip and the short title (beside the icon where the desktop shows one).
pub fn tray_text(unread: u64, critical: u64) -> (String, String) {
    let mut parts = Vec::new();
    if critical > 0 {
        parts.push(format!(
            "{critical} critical alert{}",
            if critical == 1 { "" } else { "s" }
        ));
    }
    if unread > 0 {
        parts.push(format!("{unread} unread"));
    }
    if parts.is_empty() {
        ("Opsdeck: nothing unread".into(), String::new())
    } else {
        let title = match (critical, unread) {
            (0, u) => u.to_string(),
            (c, 0) => format!("{c}!"),
            (c, u) => format!("{c}! {u}"),
        };
        (format!("Opsdeck: {}", parts.join(", ")), title)
    }
}

/// What a menu item does.
pub fn action(id: &str) -> Option<Navigate> {
    match id {
        "compose" => Some(Navigate {
            view: "notifications",
            action: Some("compose"),
        }),
        "alerts" => Some(Navigate {
            view: "alerts",
            action: None,
        }),
        _ => None,
    }
}

#[derive(Deserialize)]
struct CountPayload {
    count: u64,
}

/// Counts shown in the tray.
#[derive(Default)]
struct Counts {
    unread: AtomicU64,
    critical: AtomicU64,
    /// The text last shown: count events often restate the same counts, and every tray
    /// update is a round trip to the GTK main thread (the one the webview runs on).
    shown: Mutex<Option<(String, String)>>,
}

fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

fn refresh(app: &AppHandle, counts: &Counts) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let text = tray_text(
        counts.unread.load(Ordering::Relaxed),
        counts.critical.load(Ordering::Relaxed),
    );
    let mut shown = counts.shown.lock().unwrap_or_else(|p| p.into_inner());
    if shown.as_ref() == Some(&text) {
        return;
    }
    let _ = tray.set_tooltip(Some(&text.0));
    let _ = tray.set_title(Some(&text.1));
    *shown = Some(text);
}

fn build(app: &AppHandle) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, "show", "Show Opsdeck", true, None::<&str>)?;
    let compose = MenuItem::with_id(app, "compose", "Compose notification…", true, None::<&str>)?;
    let alerts = MenuItem::with_id(app, "alerts", "Alerts", true, None::<&str>)?;
    let sep = PredefinedMenuItem::separator(app)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Opsdeck", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &compose, &alerts, &sep, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Opsdeck")
        .menu(&menu)
        .on_menu_event(|app, event| {
            let id = event.id.as_ref();
            if id == "quit" {
                app.exit(0);
                return;
            }
            show_main(app);
            if let Some(nav) = action(id) {
                let _ = app.emit(NAVIGATE_EVENT, nav);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Creates the tray icon and keeps it up to date; logs a warning where there is no tray.
pub fn install(app: &AppHandle) {
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    match built {
        Ok(Ok(())) => tracing::info!("tray icon ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "no tray icon (this desktop has no system tray?)");
            return;
        }
        Err(_) => {
            tracing::warn!("no tray icon: the system tray library is missing");
            return;
        }
    }
    let counts = Arc::new(Counts::default());
    if let Some(shell) = app.try_state::<Arc<Shell>>() {
        counts
            .critical
            .store(u64::from(shell.unacked_critical()), Ordering::Relaxed);
    }
    refresh(app, &counts);
    for (event, unread) in [
        ("notify://count", true),
        ("alerts://unacked-critical", false),
    ] {
        let app2 = app.clone();
        let counts = counts.clone();
        app.listen_any(event, move |e| {
            let Ok(c) = serde_json::from_str::<CountPayload>(e.payload()) else {
                return;
            };
            let slot = if unread {
                &counts.unread
            } else {
                &counts.critical
            };
            slot.store(c.count, Ordering::Relaxed);
            refresh(&app2, &counts);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_says_what_waits() {
        assert_eq!(tray_text(0, 0).0, "Opsdeck: nothing unread");
        assert_eq!(tray_text(0, 0).1, "");
        assert_eq!(tray_text(3, 0), ("Opsdeck: 3 unread".into(), "3".into()));
        assert_eq!(
            tray_text(3, 1),
            ("Opsdeck: 1 critical alert, 3 unread".into(), "1! 3".into())
        );
        assert_eq!(
            tray_text(0, 2),
            ("Opsdeck: 2 critical alerts".into(), "2!".into())
        );
    }

    #[test]
    fn menu_items_open_screens() {
        assert_eq!(action("compose").unwrap().view, "notifications");
        assert_eq!(action("compose").unwrap().action, Some("compose"));
        assert_eq!(action("alerts").unwrap().view, "alerts");
        assert!(action("show").is_none());
    }
}
