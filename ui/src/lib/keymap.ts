// The global keyboard scheme, as pure logic: `g` then a letter opens a screen (g o overview,
// g f fleet…), Alt+1…9 opens the nth screen of the menu, `?` shows the help overlay, `/`
// focuses the current screen's search. Keys typed into a field are left alone. Escape is
// the dialogs' own (native <dialog> closes on it).

/** Second key after `g`, per view id (screens this server lacks are skipped). */
export const GO_KEYS: Readonly<Record<string, string>> = {
  overview: "o",
  fleet: "f",
  alerts: "a",
  notifications: "n",
  people: "p",
  chat: "c",
  geofences: "e",
  server: "s",
  settings: ",",
  connection: "k",
};

/** How long the second key of a `g` sequence may wait, in ms. */
export const SEQUENCE_MS = 1500;

/** What a key press asks for. */
export type KeyAction = { kind: "go"; view: string } | { kind: "help" } | { kind: "search" };

/** The parts of a KeyboardEvent the keymap reads. */
export type KeyInput = {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  /** The key went to a text field, select or editable element. */
  editing?: boolean;
};

/** State between presses: when `g` was pressed (0 when not). */
export type KeyState = { gAt: number };

export const INITIAL: KeyState = { gAt: 0 };

/** Decides what a key press does; returns the action (or null) and the next state. */
export function press(state: KeyState, k: KeyInput, visible: readonly string[], now: number): { action: KeyAction | null; state: KeyState } {
  const none = { action: null, state: INITIAL };
  if (k.ctrlKey || k.metaKey) return none;
  if (k.altKey) {
    const n = /^[1-9]$/.test(k.key) ? Number(k.key) : NaN;
    const view = visible[n - 1];
    return view ? { action: { kind: "go", view }, state: INITIAL } : none;
  }
  if (k.editing) return none;
  if (state.gAt && now - state.gAt <= SEQUENCE_MS) {
    const view = visible.find((v) => GO_KEYS[v] === k.key.toLowerCase());
    return view ? { action: { kind: "go", view }, state: INITIAL } : none;
  }
  if (k.key === "g") return { action: null, state: { gAt: now } };
  if (k.key === "?") return { action: { kind: "help" }, state: INITIAL };
  if (k.key === "/") return { action: { kind: "search" }, state: INITIAL };
  return none;
}

/** Rows of the help overlay for the screens offered now. */
export function helpRows(visible: readonly string[], label: (view: string) => string): Array<{ keys: string; what: string }> {
  const rows = visible.flatMap((v, i) => {
    const keys = [GO_KEYS[v] ? `g ${GO_KEYS[v]}` : null, i < 9 ? `Alt+${i + 1}` : null].filter(Boolean).join("  or  ");
    return keys ? [{ keys, what: `Open ${label(v)}` }] : [];
  });
  return [
    ...rows,
    { keys: "/", what: "Search on this screen" },
    { keys: "?", what: "Show this help" },
    { keys: "Esc", what: "Close a dialog" },
    { keys: "Tab / Shift+Tab", what: "Move between controls" },
  ];
}

/** Whether an event target is a field that takes typing. */
export function isEditing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== "string") return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(type);
  }
  return el.isContentEditable === true;
}
