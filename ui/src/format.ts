// Small formatting helpers shared by the screens.

/** `m:ss` (or `h:mm:ss`) for a duration in milliseconds. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** A short span as seconds with one decimal (`0.4 s`), longer ones as `m:ss`. */
export function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : clock(ms);
}

/** `snake_case` or `lower` labels as words: `order_status` → `Order status`. */
export function words(label: string): string {
  const spaced = label.replace(/_/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A percentage with no decimals: `42 %`. */
export function pct(value: number): string {
  return `${Math.round(value)} %`;
}

// One formatter for every row: `Date.toLocaleString` with options builds a new ICU formatter on
// each call, which the library list would otherwise do for every row it renders.
const localDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A local date and time for an RFC 3339 timestamp. */
export function when(rfc3339: string): string {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : localDateTime.format(d);
}

/** Bytes as MB with one decimal. */
export function megabytes(bytes: number | null): string {
  return bytes === null ? "" : `${(bytes / 1_000_000).toFixed(0)} MB`;
}

/** A field value as text for display and editing. */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** The user's text as the JSON value a field of the same type as `previous` should hold. */
export function parseFieldValue(text: string, previous: unknown): unknown {
  const t = text.trim();
  if (t === "") return null;
  if (typeof previous === "number") {
    const n = Number(t.replace(/[,\s$€£]/g, ""));
    return Number.isFinite(n) ? n : t;
  }
  if (typeof previous === "boolean") {
    if (/^(yes|true|y|1)$/i.test(t)) return true;
    if (/^(no|false|n|0)$/i.test(t)) return false;
  }
  return t;
}
