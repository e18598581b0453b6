import { unsupported } from './errors';

/*
 * jinja2_time's `{% now 'utc', '%Y' %}` tag: the current time in a zone,
 * shifted by a relativedelta, formatted with C-locale strftime.
 */

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
  offsetMinutes: number;
}

const DAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function partsIn(zone: string, epochMs: number): Parts {
  const d = new Date(epochMs);
  const lower = zone.toLowerCase();
  if (!zone || lower === 'utc') {
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
      weekday: d.getUTCDay(),
      offsetMinutes: 0,
    };
  }
  if (lower === 'local') {
    return {
      year: d.getFullYear(),
      month: d.getMonth() + 1,
      day: d.getDate(),
      hour: d.getHours(),
      minute: d.getMinutes(),
      second: d.getSeconds(),
      ms: d.getMilliseconds(),
      weekday: d.getDay(),
      offsetMinutes: -d.getTimezoneOffset(),
    };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw unsupported(`the time zone '${zone}' in {% now %}`);
  }
  const p = Object.fromEntries(
    fmt.formatToParts(d).map(x => [x.type, x.value]),
  );
  const wall = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
    d.getUTCMilliseconds(),
  );
  return {
    ...partsIn('utc', wall),
    offsetMinutes: Math.round((wall - epochMs) / 60000),
  };
}

function shifted(
  zone: string,
  epochMs: number,
  op: '+' | '-' | undefined,
  offset: string | undefined,
): Parts {
  const p = partsIn(zone, epochMs);
  if (!op || offset === undefined) return p;
  const sign = op === '-' ? -1 : 1;
  const delta: Record<string, number> = {};
  for (const param of offset.split(',')) {
    const [interval, value] = param.split('=');
    if (value === undefined)
      throw unsupported(`the {% now %} offset '${offset}'`);
    const n = Number(value.trim());
    if (!Number.isInteger(n))
      throw unsupported(`non-integer {% now %} offsets ('${offset}')`);
    delta[interval.trim()] = n * sign;
  }
  const allowed = [
    'years',
    'months',
    'weeks',
    'days',
    'hours',
    'minutes',
    'seconds',
  ];
  for (const k of Object.keys(delta))
    if (!allowed.includes(k)) throw unsupported(`the {% now %} offset '${k}'`);
  // relativedelta: add years/months with the day clamped to the month's end, then the rest.
  let year = p.year + (delta.years ?? 0);
  let month = p.month + (delta.months ?? 0);
  year += Math.floor((month - 1) / 12);
  month = ((((month - 1) % 12) + 12) % 12) + 1;
  const day = Math.min(p.day, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const wall =
    Date.UTC(year, month - 1, day, p.hour, p.minute, p.second, p.ms) +
    (((delta.weeks ?? 0) * 7 + (delta.days ?? 0)) * 86400 +
      (delta.hours ?? 0) * 3600 +
      (delta.minutes ?? 0) * 60 +
      (delta.seconds ?? 0)) *
      1000;
  const w = new Date(wall);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
    ms: w.getUTCMilliseconds(),
    weekday: w.getUTCDay(),
    offsetMinutes: p.offsetMinutes,
  };
}

const pad = (n: number, width: number, flag: string) => {
  if (flag === '-') return String(n);
  return String(n).padStart(width, flag === '_' ? ' ' : '0');
};

function dayOfYear(p: Parts): number {
  return (
    Math.round(
      (Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) /
        86400000,
    ) + 1
  );
}

/** C-locale strftime for the directives templates use; others are refused. */
export function strftime(format: string, p: Parts, zone: string): string {
  return format.replace(
    /%([-_0]?)([a-zA-Z%])/g,
    (_m, flag: string, c: string) => {
      const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
      switch (c) {
        case '%':
          return '%';
        case 'Y':
          return flag === '-'
            ? String(p.year)
            : String(p.year).padStart(4, '0');
        case 'y':
          return pad(p.year % 100, 2, flag);
        case 'm':
          return pad(p.month, 2, flag);
        case 'd':
          return pad(p.day, 2, flag);
        case 'e':
          return pad(p.day, 2, flag || '_');
        case 'H':
          return pad(p.hour, 2, flag);
        case 'I':
          return pad(h12, 2, flag);
        case 'M':
          return pad(p.minute, 2, flag);
        case 'S':
          return pad(p.second, 2, flag);
        case 'j':
          return pad(dayOfYear(p), 3, flag);
        case 'f':
          return String(p.ms * 1000).padStart(6, '0');
        case 'p':
          return p.hour < 12 ? 'AM' : 'PM';
        case 'a':
          return DAYS[p.weekday].slice(0, 3);
        case 'A':
          return DAYS[p.weekday];
        case 'b':
        case 'h':
          return MONTHS[p.month - 1].slice(0, 3);
        case 'B':
          return MONTHS[p.month - 1];
        case 'w':
          return String(p.weekday);
        case 'u':
          return String(p.weekday === 0 ? 7 : p.weekday);
        case 'F':
          return `${String(p.year).padStart(4, '0')}-${pad(p.month, 2, '')}-${pad(p.day, 2, '')}`;
        case 'T':
          return `${pad(p.hour, 2, '')}:${pad(p.minute, 2, '')}:${pad(p.second, 2, '')}`;
        case 'R':
          return `${pad(p.hour, 2, '')}:${pad(p.minute, 2, '')}`;
        case 'D':
          return `${pad(p.month, 2, '')}/${pad(p.day, 2, '')}/${pad(p.year % 100, 2, '')}`;
        case 'z': {
          const m = Math.abs(p.offsetMinutes);
          return `${p.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(m / 60), 2, '')}${pad(m % 60, 2, '')}`;
        }
        case 'Z':
          if (zone.toLowerCase() === 'utc' || !zone) return 'UTC';
          throw unsupported(
            '%Z for a time zone other than UTC (its abbreviation comes from the tz database)',
          );
        default:
          throw unsupported(`the strftime directive %${c}`);
      }
    },
  );
}

/** Renders `{% now zone [op offset], format %}` at `epochMs`. */
export function renderNow(
  zone: string,
  op: '+' | '-' | undefined,
  offset: string | undefined,
  format: string,
  epochMs = Date.now(),
): string {
  return strftime(format, shifted(zone, epochMs, op, offset), zone);
}
