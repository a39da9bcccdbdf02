//! Fewer glibc malloc arenas for the app process.
//!
//! glibc gives threads their own arenas (up to 8 per core) and never hands an arena's freed
//! middle back to the OS. The app's threads (the embedded server's workers, SQLite's, the
//! bridge, GTK) churn through small allocations at 10,000 vehicles, so each arena keeps its
//! own high-water mark: measured under Xvfb at 10,000 vehicles (BENCHMARKS.md, stop 13), the
//! app's RSS was 285–288 MB with glibc's default and 247–255 MB with `MALLOC_ARENA_MAX` 1–2
//! (mimalloc as the Rust allocator instead: 301–325 MB). glibc reads the variable once, at
//! start-up, so the app sets it by re-executing itself once (same PID, same arguments) when
//! neither it nor a `glibc.malloc` tunable was given.

use std::ffi::OsStr;

/// Arenas the app runs with: one per core of a small machine; threads beyond share them.
pub const ARENAS: &str = "2";

/// Whether the process should re-execute itself with [`ARENAS`]: only when the user chose
/// nothing (`MALLOC_ARENA_MAX`, or `glibc.malloc.*` in `GLIBC_TUNABLES`).
pub fn should_reexec(arena_max: Option<&OsStr>, tunables: Option<&OsStr>) -> bool {
    arena_max.is_none() && !tunables.is_some_and(|t| t.to_string_lossy().contains("glibc.malloc."))
}

/// Replaces this process with itself under `MALLOC_ARENA_MAX` (Linux with glibc only), with
/// the same `argv`; returns only when it should not (`None`) or could not (the error; the app
/// then runs with glibc's default). Call first thing in `main`, before any thread exists.
pub fn limit_arenas() -> Option<std::io::Error> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let arena_max = std::env::var_os("MALLOC_ARENA_MAX");
        let tunables = std::env::var_os("GLIBC_TUNABLES");
        if !should_reexec(arena_max.as_deref(), tunables.as_deref()) {
            return None;
        }
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => return Some(e),
        };
        let mut argv = std::env::args_os();
        let mut command = std::process::Command::new(exe);
        if let Some(arg0) = argv.next() {
            command.arg0(arg0);
        }
        Some(command.args(argv).env("MALLOC_ARENA_MAX", ARENAS).exec())
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reexecs_only_when_nothing_was_chosen() {
        assert!(should_reexec(None, None));
        assert!(should_reexec(
            None,
            Some(OsStr::new("glibc.pthread.rseq=0"))
        ));
        assert!(!should_reexec(Some(OsStr::new("4")), None));
        assert!(!should_reexec(
            None,
            Some(OsStr::new("glibc.malloc.arena_max=8"))
        ));
    }

    #[test]
    fn the_child_is_not_reexecuted_again() {
        // What the re-executed process sees: the variable it was given.
        assert!(!should_reexec(Some(OsStr::new(ARENAS)), None));
    }
}
