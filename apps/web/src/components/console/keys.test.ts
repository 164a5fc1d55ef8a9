import { describe, expect, it } from "vitest";
import { SPECIAL_KEYS, XK, chord, textToKeystrokes } from "./keys";

const typed = (text: string) =>
  textToKeystrokes(text).map((s) => `${s.down ? "+" : "-"}${s.keysym.toString(16)}`);

describe("textToKeystrokes", () => {
  it("types lower-case text and digits as plain presses", () => {
    expect(typed("a1 ")).toEqual(["+61", "-61", "+31", "-31", "+20", "-20"]);
  });

  it("holds Shift for capitals and the symbols a US keyboard shifts", () => {
    expect(typed("A")).toEqual(["+ffe1", "+41", "-41", "-ffe1"]);
    expect(typed("|")).toEqual(["+ffe1", "+7c", "-7c", "-ffe1"]);
    expect(typed("-")).toEqual(["+2d", "-2d"]);
  });

  it("turns newlines (LF, CRLF, CR) into one Return each and keeps tabs", () => {
    const returns = (text: string) =>
      textToKeystrokes(text).filter((s) => s.keysym === XK.Return && s.down).length;
    expect(returns("a\nb\r\nc\rd")).toBe(3);
    expect(typed("\t")).toEqual(["+ff09", "-ff09"]);
  });

  it("sends Latin-1 as itself, other characters as Unicode keysyms, and drops control bytes", () => {
    expect(typed("é")).toEqual(["+e9", "-e9"]);
    expect(typed("€")).toEqual(["+10020ac", "-10020ac"]);
    expect(typed("\u0007")).toEqual([]);
  });

  it("types a whole shell command", () => {
    const downs = textToKeystrokes("echo console-Ab1\n").filter((s) => s.down);
    const chars = downs.filter((s) => s.keysym !== XK.Shift_L).map((s) => s.keysym);
    expect(String.fromCharCode(...chars.slice(0, -1))).toBe("echo console-Ab1");
    expect(chars.at(-1)).toBe(XK.Return);
  });
});

describe("special keys", () => {
  it("press a chord in order and release it in reverse", () => {
    expect(chord(1, 2, 3).map((s) => `${s.down ? "+" : "-"}${s.keysym}`)).toEqual([
      "+1",
      "+2",
      "+3",
      "-3",
      "-2",
      "-1",
    ]);
  });

  it("include Ctrl+Alt+Del and the text consoles' switches", () => {
    const labels = SPECIAL_KEYS.map((k) => k.label);
    expect(labels).toContain("Ctrl+Alt+Del");
    expect(labels).toContain("Ctrl+Alt+F2");
    const f2 = SPECIAL_KEYS.find((k) => k.label === "Ctrl+Alt+F2")!;
    expect(f2.strokes[2]).toEqual({ keysym: 0xffbf, down: true });
    for (const key of SPECIAL_KEYS) {
      const pressed = key.strokes.filter((s) => s.down).length;
      expect(pressed * 2, key.label).toBe(key.strokes.length);
    }
  });
});
