//! The environment the app and its WebKit processes run with, set by re-executing the app
//! once (same PID, same arguments) first thing in `main`: glibc, jemalloc and JavaScriptCore
//! read these variables once, when the process starts, and WebKit's processes inherit the
//! app's.
//!
//! - **Two glibc malloc arenas** (`MALLOC_ARENA_MAX`). glibc gives threads their own arenas
//!   (up to 8 per core) and never hands an arena's freed middle back to the OS. The app's
//!   threads (the embedded server's workers, SQLite's, the bridge, GTK) churn through small
//!   allocations at 10,000 vehicles, so each arena kept its own high-water mark: measured
//!   under Xvfb at 10,000 vehicles (BENCHMARKS.md, stop 13), the app's RSS was 285–288 MB
//!   with glibc's default and 247–255 MB with 1–2 arenas (mimalloc instead: 301–325 MB).
//! - **A RAM size for the page's JavaScript heap** (`JSC_forceRAMSize`). JavaScriptCore
//!   sizes its heap from the machine's RAM: at 16 GiB or more it switches to an "aggressive"
//!   growth mode that trades memory for speed, and the growth factor falls only as the
//!   process's footprint nears a fraction of the RAM. The dashboard's garbage (a positions
//!   batch ten times a second) then piles up between collections. Told the machine has
//!   [`JS_RAM_BYTES`], the web process took 368–372 MB instead of 409–448 MB at 10,000
//!   vehicles, with the same frame times (BENCHMARKS.md, stop 15). Machines with less RAM
//!   keep their own figure.
//!
//! - **jemalloc, one arena, freed pages returned at once** (`_RJEM_MALLOC_CONF`, read by the
//!   jemalloc the app's Rust code allocates from, see `main.rs`). The positions path frees
//!   and allocates megabytes a second at 10,000 vehicles. With glibc's malloc the app's RSS
//!   was 242–252 MB at 10 s and 265–300 MB after 100 s; with jemalloc so set,
//!   218–222 MB and 257–262 MB (BENCHMARKS.md, stop 17). Both still climb over the first
//!   minute. Trimming glibc's heap every 10 s (`malloc_trim`) or a lower mmap threshold did
//!   not bring glibc's figures down, and jemalloc's defaults (8 arenas, pages kept 10 s)
//!   measured worse than glibc. `MALLOC_ARENA_MAX` still applies to the C libraries (GTK,
//!   SQLite, WebKit's UI side) and to WebKit's processes, which inherit it.
//!
//! A variable the user set wins, and so does any `glibc.malloc` tunable for the arenas.

use std::ffi::OsStr;

/// Arenas the app runs with: one per core of a small machine; threads beyond share them.
pub const ARENAS: &str = "2";

/// The RAM JavaScriptCore is told the machine has, bytes (512 MiB). At 10,000 vehicles the
/// web process's footprint (≈ 370 MB) stays under JavaScriptCore's "critical" line, 80 % of
/// this, so it still trades memory for shorter pauses in a burst; 256 MiB saved ≈ 12 MB
/// more but keeps the heap in its critical mode for good.
pub const JS_RAM_BYTES: u64 = 512 << 20;

/// jemalloc's settings for the app: one arena (the app's hot threads are few: the embedded
/// server's two workers, SQLite's, the bridge), and dirty pages returned to the OS at once
/// rather than after jemalloc's default 10 s (`muzzy_decay_ms:0` is already jemalloc's
/// default, spelled out so the whole policy reads in one place).
pub const JEMALLOC_CONF: &str = "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0";

/// What the process sees of its environment and machine.
#[derive(Debug, Default)]
pub struct Seen<'a> {
    /// `MALLOC_ARENA_MAX`.
    pub arena_max: Option<&'a OsStr>,
    /// `GLIBC_TUNABLES`.
    pub tunables: Option<&'a OsStr>,
    /// `JSC_forceRAMSize`.
    pub js_ram: Option<&'a OsStr>,
    /// `_RJEM_MALLOC_CONF`.
    pub jemalloc_conf: Option<&'a OsStr>,
    /// The machine's RAM, bytes, if known.
    pub mem_total: Option<u64>,
}

/// The variables to add; the app re-executes itself only when this is not empty (so the
/// re-executed process, which sees them, never does it again).
pub fn additions(seen: &Seen<'_>) -> Vec<(&'static str, String)> {
    let mut add = Vec::new();
    let malloc_chosen = seen.arena_max.is_some()
        || seen
            .tunables
            .is_some_and(|t| t.to_string_lossy().contains("glibc.malloc."));
    if !malloc_chosen {
        add.push(("MALLOC_ARENA_MAX", ARENAS.to_string()));
    }
    if seen.js_ram.is_none() && seen.mem_total.is_some_and(|m| m > JS_RAM_BYTES) {
        add.push(("JSC_forceRAMSize", JS_RAM_BYTES.to_string()));
    }
    if seen.jemalloc_conf.is_none() {
        add.push(("_RJEM_MALLOC_CONF", JEMALLOC_CONF.to_string()));
    }
    add
}

/// `MemTotal` of `/proc/meminfo`'s text, bytes.
pub fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Replaces this process with itself under [`additions`] (Linux with glibc only), with the
/// same `argv`; returns only when there is nothing to add (`None`) or it could not (the
/// error; the app then runs with the defaults). Call first thing in `main`, before any
/// thread exists.
pub fn reexec_tuned() -> Option<std::io::Error> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let arena_max = std::env::var_os("MALLOC_ARENA_MAX");
        let tunables = std::env::var_os("GLIBC_TUNABLES");
        let js_ram = std::env::var_os("JSC_forceRAMSize");
        let jemalloc_conf = std::env::var_os("_RJEM_MALLOC_CONF");
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let add = additions(&Seen {
            arena_max: arena_max.as_deref(),
            tunables: tunables.as_deref(),
            js_ram: js_ram.as_deref(),
            jemalloc_conf: jemalloc_conf.as_deref(),
            mem_total: mem_total(&meminfo),
        });
        if add.is_empty() {
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
        Some(command.args(argv).envs(add).exec())
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn os(s: &str) -> OsString {
        OsString::from(s)
    }

    const BIG: Option<u64> = Some(24 << 30);

    fn names(seen: &Seen<'_>) -> Vec<&'static str> {
        additions(seen).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn a_fresh_start_on_a_big_machine_adds_all_three() {
        let add = additions(&Seen {
            mem_total: BIG,
            ..Seen::default()
        });
        assert_eq!(
            add,
            [
                ("MALLOC_ARENA_MAX", ARENAS.to_string()),
                ("JSC_forceRAMSize", (512u64 << 20).to_string()),
                ("_RJEM_MALLOC_CONF", JEMALLOC_CONF.to_string()),
            ]
        );
    }

    #[test]
    fn the_users_malloc_choice_wins() {
        let four = os("4");
        let arena = os("glibc.malloc.arena_max=8");
        let other = os("glibc.pthread.rseq=0");
        let chosen = |arena_max, tunables| {
            names(&Seen {
                arena_max,
                tunables,
                jemalloc_conf: Some(OsStr::new("narenas:4")),
                ..Seen::default()
            })
        };
        assert_eq!(chosen(Some(&four), None), Vec::<&str>::new());
        assert_eq!(chosen(None, Some(&arena)), Vec::<&str>::new());
        assert_eq!(chosen(None, Some(&other)), ["MALLOC_ARENA_MAX"]);
    }

    #[test]
    fn the_js_ram_is_never_raised_and_the_users_value_wins() {
        let theirs = os("4294967296");
        let seen = |js_ram, mem_total| Seen {
            arena_max: Some(OsStr::new("2")),
            js_ram,
            jemalloc_conf: Some(OsStr::new("narenas:4")),
            mem_total,
            ..Seen::default()
        };
        assert!(
            additions(&seen(None, Some(512 << 20))).is_empty(),
            "a small machine"
        );
        assert_eq!(names(&seen(None, Some(1 << 30))), ["JSC_forceRAMSize"]);
        assert!(additions(&seen(None, None)).is_empty(), "unknown RAM");
        assert!(additions(&seen(Some(&theirs), BIG)).is_empty());
        assert_eq!(names(&seen(None, BIG)), ["JSC_forceRAMSize"]);
    }

    #[test]
    fn the_users_jemalloc_conf_wins() {
        let theirs = os("narenas:8");
        let seen = |jemalloc_conf| Seen {
            arena_max: Some(OsStr::new("2")),
            js_ram: Some(OsStr::new("1")),
            jemalloc_conf,
            mem_total: BIG,
            ..Seen::default()
        };
        assert_eq!(names(&seen(None)), ["_RJEM_MALLOC_CONF"]);
        assert!(additions(&seen(Some(&theirs))).is_empty());
    }

    #[test]
    fn the_reexecuted_process_does_not_reexecute_again() {
        let first = additions(&Seen {
            mem_total: BIG,
            ..Seen::default()
        });
        let values: Vec<OsString> = first.iter().map(|(_, v)| os(v)).collect();
        let child = Seen {
            arena_max: Some(&values[0]),
            js_ram: Some(&values[1]),
            jemalloc_conf: Some(&values[2]),
            mem_total: BIG,
            ..Seen::default()
        };
        assert!(additions(&child).is_empty());
    }

    #[test]
    fn reads_mem_total() {
        let meminfo = "MemTotal:       24580000 kB\nMemFree:        1000 kB\n";
        assert_eq!(mem_total(meminfo), Some(24_580_000 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB\n"), None);
        assert_eq!(mem_total(""), None);
    }
}
