import { describe, expect, it } from "vitest";
import { INITIAL, SEQUENCE_MS, helpRows, isEditing, press, type KeyState } from "./keymap";

const VISIBLE = ["overview", "fleet", "notifications", "people", "server", "settings", "connection"];

function run(keys: Array<string | { key: string; altKey?: boolean; ctrlKey?: boolean; editing?: boolean; at?: number }>) {
  let state: KeyState = INITIAL;
  let now = 10_000;
  const actions = [];
  for (const k of keys) {
    const input = typeof k === "string" ? { key: k } : k;
    now = typeof k === "object" && k.at ? k.at : now + 100;
    const r = press(state, input, VISIBLE, now);
    state = r.state;
    actions.push(r.action);
  }
  return actions;
}

describe("keymap", () => {
  it("opens screens with g sequences", () => {
    expect(run(["g", "f"])).toEqual([null, { kind: "go", view: "fleet" }]);
    expect(run(["g", "s"])[1]).toEqual({ kind: "go", view: "server" });
    expect(run(["g", ","])[1]).toEqual({ kind: "go", view: "settings" });
    expect(run(["g", "O"])[1]).toEqual({ kind: "go", view: "overview" });
  });

  it("ignores screens the server lacks and unknown letters", () => {
    expect(run(["g", "a"])[1]).toBeNull(); // no alerts screen offered here
    expect(run(["g", "z", "f"])).toEqual([null, null, null]);
  });

  it("forgets a g after the sequence timeout", () => {
    expect(run([{ key: "g", at: 1000 }, { key: "f", at: 1000 + SEQUENCE_MS + 1 }])[1]).toBeNull();
  });

  it("opens the nth screen with Alt+digit", () => {
    expect(run([{ key: "2", altKey: true }])[0]).toEqual({ kind: "go", view: "fleet" });
    expect(run([{ key: "9", altKey: true }])[0]).toBeNull();
  });

  it("shows help and focuses search, but not while typing", () => {
    expect(run(["?"])[0]).toEqual({ kind: "help" });
    expect(run(["/"])[0]).toEqual({ kind: "search" });
    expect(run([{ key: "?", editing: true }])[0]).toBeNull();
    expect(run([{ key: "g", editing: true }, "f"])).toEqual([null, null]);
    expect(run([{ key: "g", ctrlKey: true }, "f"])).toEqual([null, null]);
  });

  it("lists help rows for the offered screens", () => {
    const rows = helpRows(["overview", "server"], (v) => v.toUpperCase());
    expect(rows[0]).toEqual({ keys: "g o  or  Alt+1", what: "Open OVERVIEW" });
    expect(rows[1]).toEqual({ keys: "g s  or  Alt+2", what: "Open SERVER" });
    expect(rows.map((r) => r.keys)).toContain("?");
  });

  it("knows fields that take typing", () => {
    expect(isEditing({ tagName: "INPUT", type: "text" } as unknown as EventTarget)).toBe(true);
    expect(isEditing({ tagName: "INPUT", type: "checkbox" } as unknown as EventTarget)).toBe(false);
    expect(isEditing({ tagName: "TEXTAREA" } as unknown as EventTarget)).toBe(true);
    expect(isEditing({ tagName: "BUTTON" } as unknown as EventTarget)).toBe(false);
    expect(isEditing(null)).toBe(false);
  });
});
