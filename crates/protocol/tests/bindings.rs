//! Keeps `ui/src/bindings/` in step with the Rust types.
//!
//! The TypeScript for every protocol type (one `.ts` per type, plus `index.ts` re-exporting
//! them) is generated in memory and compared with the committed directory; the test fails on
//! any missing, extra or changed file. Regenerate with
//!
//! ```text
//! UPDATE_BINDINGS=1 cargo test -p opsdeck-protocol --test bindings
//! ```
//!
//! Nothing is written unless `UPDATE_BINDINGS` is set. Types do not use `#[ts(export)]` (its
//! generated tests would write `./bindings` on every `cargo test`), so they are listed in
//! [`export_all`]; a second test checks that list against every `derive(.., TS)` in `src/`.

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use opsdeck_protocol::{ack, admin, chat, compat, error, fleet, identity, kpi};
use opsdeck_protocol::{notification, presence, role};
use ts_rs::{Config, TS, TypeVisitor};

/// The command that regenerates the bindings.
const UPDATE_COMMAND: &str = "UPDATE_BINDINGS=1 cargo test -p opsdeck-protocol --test bindings";

/// Lists every exported type. Dependencies are followed, but list every type anyway: the
/// completeness test compares this list's output with the types declared in `src/`.
fn export_all(c: &mut Collector<'_>) {
    macro_rules! export {
        ($($ty:ty),* $(,)?) => { $( c.visit::<$ty>(); )* };
    }
    export!(ack::AckFailure, ack::ErrorEvent);
    export!(error::ErrorCode, error::ErrorBody);
    export!(role::Role);
    export!(
        identity::Claims,
        identity::UserRef,
        identity::Connected,
        identity::Sender
    );
    export!(
        presence::PresenceStatus,
        presence::PresenceUser,
        presence::PresenceListRequest,
        presence::PresenceList,
        presence::UserPresence,
        presence::UserStatus,
        presence::Count,
    );
    export!(
        kpi::KpiStatus,
        kpi::Kpi,
        kpi::KpiUpdate,
        kpi::ModuleRef,
        kpi::SummaryCard,
        kpi::DashboardUpdate,
        kpi::KpiSample,
        kpi::KpiReport,
        kpi::KpiReportBody,
        kpi::ThresholdDirection,
        kpi::KpiThreshold,
    );
    export!(
        fleet::Location,
        fleet::VehicleStatus,
        fleet::Vehicle,
        fleet::VehicleRef,
        fleet::SubscribeTracking,
        fleet::VehicleUpdated,
        fleet::VehicleLocation,
        fleet::TrackingBatch,
        fleet::ActiveVehicles,
        fleet::VehicleList,
        fleet::VehicleUpsert,
        fleet::VehicleHistoryRequest,
        fleet::LocationHistory,
        fleet::LocationReport,
        fleet::LocationSample,
        fleet::LocationBatch,
        fleet::VehicleStatusReport,
        fleet::VehicleStatusBody,
        fleet::EmergencyRaise,
        fleet::EmergencyBody,
        fleet::Place,
        fleet::TripStatus,
        fleet::Trip,
        fleet::TripStart,
        fleet::TripStartResult,
        fleet::TripRef,
        fleet::TripSnapshot,
        fleet::TripCancel,
        fleet::TripEvent,
        fleet::TripCancelled,
        fleet::Circle,
        fleet::GeofenceCreate,
        fleet::GeofenceCreated,
        fleet::GeofenceRef,
        fleet::Geofence,
        fleet::GeofenceList,
        fleet::GeofenceEvent,
        fleet::GeofenceAlert,
        fleet::AlertPriority,
        fleet::AlertKind,
        fleet::LowFuel,
        fleet::EmergencyInfo,
        fleet::EmergencyAlert,
        fleet::Alert,
        fleet::AlertListRequest,
        fleet::AlertList,
        fleet::AlertRef,
        fleet::AlertAcked,
    );
    export!(
        notification::NotificationType,
        notification::TargetKind,
        notification::Target,
        notification::Notification,
        notification::SendNotification,
        notification::BroadcastNotification,
        notification::SendResult,
        notification::MarkRead,
        notification::NotificationListRequest,
        notification::NotificationList,
    );
    export!(
        chat::RoomRef,
        chat::ChatUser,
        chat::RoomJoined,
        chat::RoomMembersAdded,
        chat::RoomUserJoined,
        chat::RoomUserLeft,
        chat::ChatRoom,
        chat::CreateRoom,
        chat::AddRoomMembers,
        chat::MessageSend,
        chat::MessageSent,
        chat::MessageReceived,
        chat::DmSend,
        chat::DmReceived,
        chat::DmError,
        chat::TypingRequest,
        chat::TypingUpdate,
        chat::MarkMessageRead,
        chat::MessageRead,
        chat::MessageHistoryRequest,
        chat::ChatMessage,
        chat::MessageHistory,
        chat::PostMessage,
        chat::NewMessage,
        chat::PostedMessage,
        chat::ListedRoom,
        chat::RoomList,
        chat::RoomCreated,
        chat::DmConversation,
        chat::DmConversations,
    );
    export!(
        compat::ConversationRef,
        compat::ConversationMessage,
        compat::MessageSendAny,
        compat::ConversationMessageNew,
        compat::PrivateMessage,
        compat::PrivateMessageNew,
        compat::MessageNew,
        compat::UserRoomNotice,
        compat::SendMessageToRoom,
        compat::NewRoomMessage,
        compat::DirectTyping,
        compat::UserTyping,
        compat::ConversationTyping,
        compat::TypingRequestAny,
        compat::ConversationTypingNotice,
        compat::MissedMessages,
        compat::MissedMessageList,
    );
    export!(
        admin::Stats,
        admin::SocketInfo,
        admin::SocketsListRequest,
        admin::SocketsList,
        admin::SocketDisconnect,
        admin::RoomInfo,
        admin::RoomsList,
        admin::Disconnected,
        admin::Health,
        admin::SocketLayerHealth,
        admin::SocketHealth,
        admin::UserRecord,
        admin::UpsertUser,
        admin::HttpOk<ts_rs::Dummy>,
    );
}

/// Generates the files of every visited type and, recursively, of its dependencies.
struct Collector<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    /// File name (e.g. `Vehicle.ts`) → content.
    files: BTreeMap<String, String>,
    errors: Vec<String>,
}

impl TypeVisitor for Collector<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        let Some(path) = T::output_path() else {
            return; // primitives and std types have no file
        };
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = path.to_string_lossy().replace('\\', "/");
        match T::export_to_string(self.cfg) {
            Ok(ts) => {
                if let Some(prev) = self.files.insert(name.clone(), ts.clone())
                    && prev != ts
                {
                    self.errors.push(format!(
                        "two different types export to `{name}` ({}); rename one",
                        std::any::type_name::<T>()
                    ));
                }
            }
            Err(e) => self
                .errors
                .push(format!("{}: {e}", std::any::type_name::<T>())),
        }
        T::visit_dependencies(self);
    }
}

/// The expected content of `ui/src/bindings/`: one file per type plus `index.ts`.
fn generate() -> BTreeMap<String, String> {
    // JSON numbers are f64 on the JS side: render u64/i64 as `number`, not `bigint`.
    let cfg = Config::new().with_large_int("number");
    let mut c = Collector {
        cfg: &cfg,
        seen: HashSet::new(),
        files: BTreeMap::new(),
        errors: Vec::new(),
    };
    export_all(&mut c);
    assert!(c.errors.is_empty(), "{}", c.errors.join("\n"));

    let mut index = String::from(
        "// Generated by crates/protocol/tests/bindings.rs. Do not edit this file manually.\n",
    );
    for name in c.files.keys() {
        let ty = name.trim_end_matches(".ts");
        index.push_str(&format!("export type {{ {ty} }} from \"./{ty}\";\n"));
    }
    assert!(
        c.files.insert("index.ts".into(), index).is_none(),
        "a type may not be called `index`"
    );
    c.files
}

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

/// The files of `dir` (not recursive); an absent directory is empty.
fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.expect("readable bindings directory"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let content = std::fs::read_to_string(e.path()).unwrap_or_default();
            (name, content)
        })
        .collect()
}

fn update_requested() -> bool {
    std::env::var("UPDATE_BINDINGS").is_ok_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn bindings_are_up_to_date() {
    let expected = generate();
    let dir = bindings_dir();
    let actual = read_dir(&dir);

    if update_requested() {
        std::fs::create_dir_all(&dir).expect("create ui/src/bindings");
        for name in actual.keys().filter(|n| !expected.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).expect("remove stale binding");
        }
        for (name, content) in &expected {
            if actual.get(name) != Some(content) {
                std::fs::write(dir.join(name), content).expect("write binding");
            }
        }
        return;
    }

    let missing: Vec<_> = expected
        .keys()
        .filter(|n| !actual.contains_key(*n))
        .collect();
    let extra: Vec<_> = actual
        .keys()
        .filter(|n| !expected.contains_key(*n))
        .collect();
    let changed: Vec<_> = expected
        .iter()
        .filter(|(n, c)| actual.get(*n).is_some_and(|a| a != *c))
        .map(|(n, _)| n)
        .collect();
    if missing.is_empty() && extra.is_empty() && changed.is_empty() {
        return;
    }
    let list = |v: &[&String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        }
    };
    panic!(
        "ui/src/bindings differs from the Rust types.\n  missing: {}\n  extra:   {}\n  \
         changed: {}\nRegenerate with:\n  {UPDATE_COMMAND}",
        list(&missing),
        list(&extra),
        list(&changed),
    );
}

/// Names of the `TS` types declared in `src/`: every `derive(.., TS, ..)` item and every
/// `id_ref!(Name, ..)` invocation. Comments are skipped.
fn declared_ts_types() -> BTreeSet<String> {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("readable src/") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    fn ident_at(s: &str) -> Option<String> {
        let s = s.trim_start();
        let id: String = s
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!id.is_empty() && id.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(id)
    }

    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut names = BTreeSet::new();
    for file in files {
        let code: String = std::fs::read_to_string(&file)
            .expect("readable source")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = code.as_str();
        while let Some(i) = rest.find("#[derive(") {
            rest = &rest[i + "#[derive(".len()..];
            let end = rest.find(")]").expect("closed derive");
            let derives = &rest[..end];
            let is_ts = derives
                .split(',')
                .any(|d| d.trim() == "TS" || d.trim().ends_with("::TS"));
            rest = &rest[end..];
            if !is_ts {
                continue;
            }
            // The item keyword follows the remaining attributes.
            let item = ["struct ", "enum "]
                .iter()
                .filter_map(|k| rest.find(k).map(|i| i + k.len()))
                .min()
                .expect("item after derive");
            if let Some(name) = ident_at(&rest[item..]) {
                names.insert(name); // `$name` inside macro_rules! is skipped
            }
        }
        let mut rest = code.as_str();
        while let Some(i) = rest.find("id_ref!(") {
            rest = &rest[i + "id_ref!(".len()..];
            if let Some(name) = ident_at(rest) {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn every_ts_type_is_exported() {
    let exported: BTreeSet<String> = generate()
        .keys()
        .filter(|n| *n != "index.ts")
        .map(|n| n.trim_end_matches(".ts").to_owned())
        .collect();
    let declared = declared_ts_types();
    assert!(
        declared.len() > 100,
        "source scan found too few types: {declared:?}"
    );
    let forgotten: Vec<_> = declared.difference(&exported).collect();
    assert!(
        forgotten.is_empty(),
        "types derive TS but are not listed in export_all() of tests/bindings.rs: {forgotten:?}"
    );
}
