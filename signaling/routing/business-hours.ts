/**
 * Opening hours of a queue, in its own time zone: weekly ranges per day
 * ("09:00"–"17:30"; "24:00" ends at midnight) and dates it is closed. No
 * hours at all means always open. Time zones come from the platform's
 * Intl database, so daylight saving time is handled.
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface BusinessHours {
  timezone: string;
  weekly: Partial<Record<Weekday, Array<[string, string]>>>;
  /** Dates (YYYY-MM-DD, local) the queue is closed all day. */
  closedOn?: string[];
}

const DAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The local day, date and minute of the day at an instant, in a time zone. */
export function localTime(timezone: string, at: number): { day: Weekday; date: string; minute: number } {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(at).map((p) => [p.type, p.value]));
  return {
    day: DAYS[parts.weekday!]!,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

export function isOpenAt(hours: BusinessHours | undefined, at: number): boolean {
  if (!hours) return true;
  const { day, date, minute } = localTime(hours.timezone, at);
  if (hours.closedOn?.includes(date)) return false;
  return (hours.weekly[day] ?? []).some(([from, to]) => minute >= toMinutes(from) && minute < toMinutes(to));
}

/** When the queue next opens (to the quarter hour), within two weeks; undefined if open now or never. */
export function nextOpening(hours: BusinessHours | undefined, at: number): number | undefined {
  if (!hours || isOpenAt(hours, at)) return undefined;
  const step = 15 * 60_000;
  let t = Math.ceil(at / step) * step;
  for (let i = 0; i < 14 * 24 * 4; i++, t += step) if (isOpenAt(hours, t)) return t;
  return undefined;
}

/** Whether a time zone name is one the platform knows (checked when the configuration is loaded). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
