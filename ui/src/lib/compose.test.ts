import { describe, expect, it } from "vitest";
import { charCount, describeTarget, emptyDraft, parseIds, previewOf, validateCompose, type ComposeDraft } from "./compose";

const draft = (over: Partial<ComposeDraft>): ComposeDraft => ({ ...emptyDraft(), title: "Road closed", message: "Avoid King Fahd Rd", ...over });

describe("compose validation", () => {
  it("builds a broadcast request, trimmed", () => {
    const r = validateCompose(draft({ title: "  Road closed ", type: "warning" }));
    expect(r).toEqual({ ok: true, request: { title: "Road closed", message: "Avoid King Fahd Rd", type: "warning", target: { kind: "all" } } });
  });

  it("requires title and message", () => {
    const r = validateCompose(draft({ title: " ", message: "" }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.title).toMatch(/required/);
      expect(r.errors.message).toMatch(/required/);
    }
  });

  it("enforces the length limits in characters", () => {
    expect(validateCompose(draft({ title: "x".repeat(200) })).ok).toBe(true);
    expect(validateCompose(draft({ title: "x".repeat(201) })).ok).toBe(false);
    expect(validateCompose(draft({ message: "é".repeat(4000) })).ok).toBe(true);
    expect(validateCompose(draft({ message: "y".repeat(4001) })).ok).toBe(false);
    expect(charCount("😀😀")).toBe(2);
  });

  it("needs ids unless sending to everyone", () => {
    const r = validateCompose(draft({ targetKind: "users", targetIds: " , " }));
    expect(!r.ok && r.errors.targetIds).toMatch(/at least one user id/);
  });

  it("accepts known roles only", () => {
    const ok = validateCompose(draft({ targetKind: "roles", targetIds: "dispatcher, admin dispatcher" }));
    expect(ok.ok && ok.request.target).toEqual({ kind: "roles", ids: ["dispatcher", "admin"] });
    const bad = validateCompose(draft({ targetKind: "roles", targetIds: "boss" }));
    expect(!bad.ok && bad.errors.targetIds).toMatch(/Unknown role: boss/);
  });

  it("checks user ids against the protocol's id pattern", () => {
    expect(validateCompose(draft({ targetKind: "users", targetIds: "alice bob@x" })).ok).toBe(true);
    expect(validateCompose(draft({ targetKind: "users", targetIds: "al ice!" })).ok).toBe(false);
    expect(validateCompose(draft({ targetKind: "users", targetIds: "a".repeat(65) })).ok).toBe(false);
  });

  it("parses id lists on commas, spaces, semicolons and lines, without repeats", () => {
    expect(parseIds("a, b;c\n d a")).toEqual(["a", "b", "c", "d"]);
    expect(parseIds("")).toEqual([]);
  });
});

describe("compose preview", () => {
  it("describes the audience", () => {
    expect(describeTarget({ kind: "all" })).toBe("everyone");
    expect(describeTarget({ kind: "roles", ids: ["admin"] })).toBe("role admin");
    expect(describeTarget({ kind: "users", ids: ["a", "b"] })).toBe("2 users: a, b");
    expect(describeTarget({ kind: "users", ids: ["1", "2", "3", "4", "5", "6", "7"] })).toBe("7 users: 1, 2, 3, 4, 5 and 2 more");
    expect(describeTarget({ kind: "room", ids: ["ops"] })).toBe("room ops");
  });

  it("shows placeholders and no request while invalid", () => {
    const p = previewOf(emptyDraft());
    expect(p.title).toBe("(no title)");
    expect(p.request).toBeNull();
    expect(p.errors.title).toBeTruthy();
  });

  it("carries the request once valid", () => {
    const p = previewOf(draft({ targetKind: "roles", targetIds: "driver" }));
    expect(p.audience).toBe("role driver");
    expect(p.request?.target).toEqual({ kind: "roles", ids: ["driver"] });
  });
});
