// Wall-clock time in an IANA time zone, computed from the zone's UTC offset.
// Intl is slow (microseconds a call), so offsets are cached per zone and UTC day. A zone changes its offset at
// most once a day, so a day whose offset is the same at both ends has it throughout; on the rare day of a
// transition, the transition minute is found by bisection and cached too.

export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  weekday: number;
  hour: number;
  minute: number;
  /** YYYY-MM-DD in the zone. */
  date: string;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone, per UTC day number: the offset at the day's start, and where it changes (if it does). */
const days = new Map<string, Map<number, { before: number; after: number; changeAt: number }>>();
const MAX_DAYS_PER_ZONE = 100_000;

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

/** The offset at one instant, straight from Intl. */
function offsetAt(timezone: string, at: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall - Math.floor(at / 1000) * 1000;
}

function dayInfo(timezone: string, day: number): { before: number; after: number; changeAt: number } {
  let zone = days.get(timezone);
  if (!zone) days.set(timezone, (zone = new Map()));
  let info = zone.get(day);
  if (info) return info;
  const start = day * DAY_MS;
  const before = offsetAt(timezone, start);
  const after = offsetAt(timezone, start + DAY_MS);
  let changeAt = Infinity;
  if (before !== after) {
    // First minute of the day with the new offset.
    let lo = start;
    let hi = start + DAY_MS;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offsetAt(timezone, mid) === before) lo = mid;
      else hi = mid;
    }
    changeAt = hi;
  }
  info = { before, after, changeAt };
  if (zone.size >= MAX_DAYS_PER_ZONE) zone.clear();
  zone.set(day, info);
  return info;
}

/** The zone's offset from UTC in milliseconds at the instant `epochMs`. */
export function utcOffsetMs(timezone: string, epochMs: number): number {
  const info = dayInfo(timezone, Math.floor(epochMs / DAY_MS));
  return epochMs < info.changeAt ? info.before : info.after;
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
