// Compose form of the Notifications screen: validation against PROTOCOL §6 limits, and the
// preview of what will be sent to whom.
import type { NotificationType, Role, SendNotification, Target, TargetKind } from "../bindings";

export type ComposeDraft = {
  title: string;
  message: string;
  type: NotificationType;
  targetKind: TargetKind;
  /** Comma-, space- or newline-separated user ids, role names or room ids. */
  targetIds: string;
};

export type ComposeField = "title" | "message" | "type" | "targetKind" | "targetIds";
export type ComposeErrors = Partial<Record<ComposeField, string>>;

export type ComposeResult =
  | { ok: true; request: SendNotification }
  | { ok: false; errors: ComposeErrors };

export const TITLE_MAX = 200;
export const MESSAGE_MAX = 4000;
export const IDS_MAX = 1000;
export const NOTIFICATION_TYPES: readonly NotificationType[] = ["info", "success", "warning", "critical"];
export const TARGET_KINDS: readonly TargetKind[] = ["all", "roles", "users", "room"];
export const ROLES: readonly Role[] = ["viewer", "driver", "dispatcher", "admin", "device"];
const ID_RE = /^[A-Za-z0-9_.:@-]{1,64}$/;

export function emptyDraft(): ComposeDraft {
  return { title: "", message: "", type: "info", targetKind: "all", targetIds: "" };
}

/** Length in characters (Unicode scalar values, as the server counts). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Splits the ids field, dropping blanks and repeats, keeping order. */
export function parseIds(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,;]+/)) if (part) seen.add(part);
  return [...seen];
}

export function validateCompose(d: ComposeDraft): ComposeResult {
  const errors: ComposeErrors = {};
  const title = d.title.trim();
  const message = d.message.trim();
  if (!title) errors.title = "A title is required.";
  else if (charCount(title) > TITLE_MAX) errors.title = `At most ${TITLE_MAX} characters.`;
  if (!message) errors.message = "A message is required.";
  else if (charCount(message) > MESSAGE_MAX) errors.message = `At most ${MESSAGE_MAX} characters.`;
  if (!NOTIFICATION_TYPES.includes(d.type)) errors.type = "Pick a type.";
  if (!TARGET_KINDS.includes(d.targetKind)) errors.targetKind = "Pick who receives it.";

  let target: Target = { kind: d.targetKind };
  if (d.targetKind !== "all" && TARGET_KINDS.includes(d.targetKind)) {
    const ids = parseIds(d.targetIds);
    const what = d.targetKind === "roles" ? "role" : d.targetKind === "users" ? "user id" : "room id";
    if (ids.length === 0) errors.targetIds = `Enter at least one ${what}.`;
    else if (ids.length > IDS_MAX) errors.targetIds = `At most ${IDS_MAX} recipients.`;
    else if (d.targetKind === "roles") {
      const bad = ids.filter((r) => !ROLES.includes(r as Role));
      if (bad.length) errors.targetIds = `Unknown role: ${bad.join(", ")} (roles: ${ROLES.join(", ")}).`;
    } else {
      const bad = ids.filter((id) => !ID_RE.test(id));
      if (bad.length) errors.targetIds = `Invalid ${what}: ${bad.slice(0, 3).join(", ")}.`;
    }
    target = { kind: d.targetKind, ids };
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: { title, message, type: d.type, target } };
}

/** "everyone", "roles dispatcher, admin", "3 users: a, b, c", "room ops". */
export function describeTarget(target: Target): string {
  const ids = target.ids ?? [];
  const list = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(", ")} and ${xs.length - 5} more` : xs.join(", "));
  switch (target.kind) {
    case "all":
      return "everyone";
    case "roles":
      return `${ids.length === 1 ? "role" : "roles"} ${list(ids)}`;
    case "users":
      return `${ids.length} ${ids.length === 1 ? "user" : "users"}: ${list(ids)}`;
    case "room":
      return `${ids.length === 1 ? "room" : "rooms"} ${list(ids)}`;
  }
}

export type ComposePreview = {
  title: string;
  message: string;
  type: NotificationType;
  audience: string;
  /** Set when the draft is valid and can be sent. */
  request: SendNotification | null;
  errors: ComposeErrors;
};

/** What the preview pane shows; placeholders stand in for empty fields. */
export function previewOf(d: ComposeDraft): ComposePreview {
  const r = validateCompose(d);
  const kind = TARGET_KINDS.includes(d.targetKind) ? d.targetKind : "all";
  const target: Target = kind === "all" ? { kind } : { kind, ids: parseIds(d.targetIds) };
  return {
    title: d.title.trim() || "(no title)",
    message: d.message.trim() || "(no message)",
    type: d.type,
    audience: describeTarget(target),
    request: r.ok ? r.request : null,
    errors: r.ok ? {} : r.errors,
  };
}
