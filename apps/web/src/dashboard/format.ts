// Times and sizes as people read them.

/** "just now", "3 min", "2 h", "5 d" since `iso`. */
export function age(iso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/** "just now", "3 min ago". */
export const ago = (iso: string, now: number = Date.now()) => {
  const a = age(iso, now);
  return a === "just now" ? a : `${a} ago`;
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** A local date and time, e.g. "21 Nov 2026, 09:12:03". */
export const when = (iso: string | null) => (iso ? dateTime.format(new Date(iso)) : "—");

/** Seconds between two instants, "1.4 s" / "2 min 5 s". */
export function duration(fromIso: string, toIso: string | null, now: number = Date.now()): string {
  const ms = (toIso ? Date.parse(toIso) : now) - Date.parse(fromIso);
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function bytes(n: number | null): string {
  if (n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
