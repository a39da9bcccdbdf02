//! Where the app keeps its data: the database, settings, profiles and logs.
//!
//! `OPSDECK_DATA_DIR` moves all of it under one directory (tests, portable installs);
//! otherwise the platform's app data, config and log directories are used.

use std::path::{Path, PathBuf};

/// The app's directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Database and sent-notification history.
    pub data: PathBuf,
    /// Settings and connection profiles (never tokens: those live in the OS keyring).
    pub config: PathBuf,
    /// Rotating log files.
    pub logs: PathBuf,
}

impl Paths {
    /// `OPSDECK_DATA_DIR` (as `override_dir`) wins; else the platform directories.
    pub fn resolve(override_dir: Option<&Path>, platform: Paths) -> Paths {
        match override_dir {
            Some(dir) => Paths {
                data: dir.to_path_buf(),
                config: dir.join("config"),
                logs: dir.join("logs"),
            },
            None => platform,
        }
    }

    /// Creates the directories.
    pub fn create(&self) -> std::io::Result<()> {
        for d in [&self.data, &self.config, &self.logs] {
            std::fs::create_dir_all(d)?;
        }
        Ok(())
    }

    /// The embedded server's database.
    pub fn database(&self) -> PathBuf {
        self.data.join("opsdeck.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_override_moves_everything() {
        let platform = Paths {
            data: "/p/data".into(),
            config: "/p/config".into(),
            logs: "/p/logs".into(),
        };
        assert_eq!(Paths::resolve(None, platform.clone()), platform);
        let moved = Paths::resolve(Some(Path::new("/tmp/x")), platform);
        assert_eq!(moved.data, PathBuf::from("/tmp/x"));
        assert_eq!(moved.config, PathBuf::from("/tmp/x/config"));
        assert_eq!(moved.logs, PathBuf::from("/tmp/x/logs"));
        assert_eq!(moved.database(), PathBuf::from("/tmp/x/opsdeck.db"));
    }
}
