// Wall-clock time in an IANA time zone, computed from the zone's UTC offset.
// Intl is slow (microseconds a call), so offsets are cached per zone and 15-minute UTC bucket: every zone in
// use today shifts on a 15-minute boundary, so one bucket never straddles a DST transition.

export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  weekday: number;
  hour: number;
  minute: number;
  /** YYYY-MM-DD in the zone. */
  date: string;
}

const BUCKET_MS = 15 * 60 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const MAX_CACHED_OFFSETS = 50_000;

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The zone's offset from UTC in milliseconds at the instant `epochMs`. */
export function utcOffsetMs(timezone: string, epochMs: number): number {
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const key = `${timezone}|${bucket}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const at = bucket * BUCKET_MS;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  const offset = wall - at;
  if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

export function localTime(epochMs: number, timezone: string): LocalTime {
  const wall = new Date(epochMs + utcOffsetMs(timezone, epochMs));
  const y = wall.getUTCFullYear();
  const m = wall.getUTCMonth() + 1;
  const d = wall.getUTCDate();
  return {
    weekday: wall.getUTCDay(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    date: `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`,
  };
}
