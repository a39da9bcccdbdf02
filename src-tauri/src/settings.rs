//! Settings, connection profiles and sent-notification history, as JSON files in the app's
//! config and data directories. Tokens are not here: see `secrets.rs`.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::types::{EmbeddedSettings, Mode, Profile, SentNotification, Settings, Theme};

/// The embedded server's fixed default address (devices need a stable one).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4700";
/// Simulated vehicles on a fresh install.
pub const DEFAULT_VEHICLES: u32 = 200;
/// Sent notifications kept.
pub const SENT_HISTORY: usize = 500;

impl Default for Settings {
    fn default() -> Self {
        Self {
            embedded: EmbeddedSettings {
                listen: DEFAULT_LISTEN.into(),
                simulator: true,
                vehicles: DEFAULT_VEHICLES,
            },
            tile_url: None,
            theme: Theme::System,
            alert_sounds: true,
        }
    }
}

/// What `settings.json` holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Saved {
    /// User settings.
    pub settings: Settings,
    /// Mode at last exit.
    pub mode: Mode,
    /// Remote profile at last exit.
    pub profile_id: Option<String>,
    /// Profiles (metadata only).
    pub profiles: Vec<Profile>,
}

fn read<T: DeserializeOwned + Default>(path: &Path) -> T {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable file");
            T::default()
        }),
        Err(_) => T::default(),
    }
}

/// Writes atomically (temp file + rename) so a crash never leaves half a file.
fn write<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(value)?)?;
    std::fs::rename(tmp, path)
}

/// The settings file of a config directory.
pub fn settings_path(config: &Path) -> PathBuf {
    config.join("settings.json")
}

/// Loads settings (defaults on first launch).
pub fn load(config: &Path) -> Saved {
    read(&settings_path(config))
}

/// Saves settings.
pub fn save(config: &Path, saved: &Saved) -> std::io::Result<()> {
    write(&settings_path(config), saved)
}

/// Loads the sent history.
pub fn load_sent(data: &Path) -> Vec<SentNotification> {
    read(&data.join("sent-notifications.json"))
}

/// Prepends `item` and saves, keeping the newest [`SENT_HISTORY`].
pub fn push_sent(data: &Path, item: SentNotification) -> std::io::Result<Vec<SentNotification>> {
    let mut all = load_sent(data);
    all.insert(0, item);
    all.truncate(SENT_HISTORY);
    write(&data.join("sent-notifications.json"), &all)?;
    Ok(all)
}

/// Checks a profile URL: http(s), with a host.
pub fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| "the URL must start with http:// or https://".to_owned())?;
    if rest.trim_matches('/').is_empty() || rest.contains(char::is_whitespace) {
        return Err("the URL needs a host, e.g. http://ops.example.com:4000".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let first = load(dir.path());
        assert_eq!(first.mode, Mode::Embedded, "embedded on first launch");
        assert!(
            first.settings.embedded.simulator,
            "simulator on in a fresh install"
        );
        assert_eq!(first.settings.embedded.listen, DEFAULT_LISTEN);
        let mut s = first.clone();
        s.mode = Mode::Remote;
        s.profiles.push(Profile {
            id: "p1".into(),
            name: "HQ".into(),
            url: "http://10.0.0.5:4000".into(),
            has_token: true,
        });
        save(dir.path(), &s).unwrap();
        assert_eq!(load(dir.path()), s);
        let text = std::fs::read_to_string(settings_path(dir.path())).unwrap();
        assert!(!text.contains("token\""), "no token field in files: {text}");
    }

    #[test]
    fn files_from_before_alert_sounds_keep_their_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            settings_path(dir.path()),
            br#"{"settings":{"embedded":{"listen":"0.0.0.0:4800","simulator":false,"vehicles":5},"tileUrl":null,"theme":"dark"}}"#,
        )
        .unwrap();
        let s = load(dir.path()).settings;
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(s.embedded.listen, "0.0.0.0:4800");
        assert!(s.alert_sounds, "sounds on unless turned off");
    }

    #[test]
    fn corrupt_files_fall_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(settings_path(dir.path()), b"{not json").unwrap();
        assert_eq!(load(dir.path()), Saved::default());
    }

    #[test]
    fn urls() {
        assert!(check_url("http://localhost:4000").is_ok());
        assert!(check_url("https://ops.example.com").is_ok());
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("http://").is_err());
        assert!(check_url("localhost:4000").is_err());
    }
}
