// Keys the browser cannot send itself (Ctrl-Alt-Del, VT switches) and text pasted as keystrokes.
// Values are X11 keysyms, which RFB key events carry. Pasting types what a US keyboard would: a
// character that needs Shift there is sent with Shift held, so the guest's keymap sees a person
// typing it. (QEMU's VNC server has no clipboard without a guest agent, hence keystrokes.)

export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Delete: 0xffff,
  F1: 0xffbe,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
} as const;

export interface KeyStroke {
  keysym: number;
  down: boolean;
}

/** Press `keys` in order, then release them in reverse (a chord such as Ctrl-Alt-F2). */
export function chord(...keys: number[]): KeyStroke[] {
  return [
    ...keys.map((keysym) => ({ keysym, down: true })),
    ...[...keys].reverse().map((keysym) => ({ keysym, down: false })),
  ];
}

export interface SpecialKey {
  label: string;
  strokes: KeyStroke[];
}

const fKey = (n: number) => XK.F1 + n - 1;

export const CTRL_ALT_DEL: SpecialKey = {
  label: "Ctrl+Alt+Del",
  strokes: chord(XK.Control_L, XK.Alt_L, XK.Delete),
};

export const SPECIAL_KEYS: readonly SpecialKey[] = [
  CTRL_ALT_DEL,
  ...[1, 2, 3, 4, 5, 6].map((n) => ({
    label: `Ctrl+Alt+F${n}`,
    strokes: chord(XK.Control_L, XK.Alt_L, fKey(n)),
  })),
  { label: "Ctrl+Alt+Backspace", strokes: chord(XK.Control_L, XK.Alt_L, XK.BackSpace) },
  { label: "Ctrl+C", strokes: chord(XK.Control_L, "c".charCodeAt(0)) },
  { label: "Ctrl+D", strokes: chord(XK.Control_L, "d".charCodeAt(0)) },
  { label: "Tab", strokes: chord(XK.Tab) },
  { label: "Esc", strokes: chord(XK.Escape) },
];

/** Characters a US keyboard types with Shift held. */
const SHIFTED = new Set('~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ');

/** The keysym of one character: Latin-1 maps to itself, the rest to X11's Unicode keysyms. */
function keysymOf(ch: string): number | null {
  if (ch === "\n") return XK.Return;
  if (ch === "\t") return XK.Tab;
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x20 && cp <= 0x7e) return cp;
  if (cp >= 0xa0 && cp <= 0xff) return cp;
  if (cp > 0xff) return 0x01000000 + cp;
  return null; // other control characters type nothing
}

/** `text` as the key presses that type it (CRLF and CR become one Return). */
export function textToKeystrokes(text: string): KeyStroke[] {
  const strokes: KeyStroke[] = [];
  for (const ch of text.replace(/\r\n?/g, "\n")) {
    const keysym = keysymOf(ch);
    if (keysym === null) continue;
    strokes.push(...(SHIFTED.has(ch) ? chord(XK.Shift_L, keysym) : chord(keysym)));
  }
  return strokes;
}
