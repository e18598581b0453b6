import { CronTime } from 'cron';

/**
 * The schedule of a Harness cron trigger, as written under
 * `trigger.source.spec.spec`:
 *
 * ```yaml
 * source:
 *   type: Scheduled
 *   spec:
 *     type: Cron
 *     spec:
 *       type: UNIX          # or QUARTZ
 *       expression: 0/5 * * * *
 *       timezone: America/New_York   # IANA name, default UTC
 * ```
 */
export interface CronScheduleSpec {
  /** `UNIX` (5 fields) or `QUARTZ` (Harness's 5 or 6 fields, the sixth a year). */
  type: 'UNIX' | 'QUARTZ';
  expression: string;
  /** IANA time zone; Harness's default is UTC. */
  timezone: string;
}

/** A schedule that can say when it fires next. */
export interface CronSchedule {
  readonly spec: CronScheduleSpec;
  /** The first occurrence strictly after `after`, or undefined when none is left. */
  nextAfter(after: Date): Date | undefined;
}

/** Why an expression was refused: the message and, where known, a fix. */
export class CronScheduleError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CronScheduleError';
  }
}

const QUARTZ_HINT =
  'QUARTZ expressions as Harness takes them: minute hour day-of-month month day-of-week [year] (Harness adds the seconds), e.g. "0 4 ? * MON-FRI"';
const UNIX_HINT =
  'UNIX expressions have five fields: minute hour day-of-month month day-of-week, e.g. "0 4 * * 1-5"';

/** Years that far ahead are not searched: a schedule with none left never fires. */
const MAX_YEAR_SKIPS = 2000;

/**
 * Parses a Harness cron schedule. Throws {@link CronScheduleError} naming what
 * is wrong (field count, unsupported Quartz construct, unknown time zone,
 * out-of-range value).
 */
export function parseCronSchedule(spec: CronScheduleSpec): CronSchedule {
  const fields = spec.expression.trim().split(/\s+/).filter(Boolean);
  const { unixFields, years } =
    spec.type === 'QUARTZ' ? fromQuartz(fields) : fromUnix(fields);
  let cronTime: CronTime;
  try {
    // Five fields: `cron` counts minutes first; seconds are always 0 here
    // because Harness fires at minute granularity.
    cronTime = new CronTime(unixFields.join(' '), spec.timezone);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/time ?zone/i.test(message)) {
      throw new CronScheduleError(
        `unknown time zone "${spec.timezone}"`,
        'use an IANA time zone name such as UTC, Europe/London or America/New_York',
      );
    }
    throw new CronScheduleError(
      `"${spec.expression}" is not a valid ${spec.type} cron expression: ${message}`,
      spec.type === 'QUARTZ' ? QUARTZ_HINT : UNIX_HINT,
    );
  }
  return {
    spec,
    nextAfter(after: Date): Date | undefined {
      let from = after;
      for (let skips = 0; skips < MAX_YEAR_SKIPS; skips++) {
        const next = cronTime.getNextDateFrom(from, spec.timezone).toJSDate();
        if (!years) return next;
        const year = yearIn(next, spec.timezone);
        if (years.has(year)) return next;
        const later = [...years].filter(y => y > year);
        if (later.length === 0) return undefined;
        // Jump to just before the next allowed year rather than stepping.
        from = startOfYear(Math.min(...later), spec.timezone);
        from = new Date(from.getTime() - 1);
      }
      return undefined;
    },
  };
}

function fromUnix(fields: string[]): {
  unixFields: string[];
  years?: Set<number>;
} {
  if (fields.length !== 5) {
    throw new CronScheduleError(
      `a UNIX cron expression has 5 fields, this one has ${fields.length}`,
      UNIX_HINT,
    );
  }
  for (const field of fields) {
    if (field.includes('?')) {
      throw new CronScheduleError(
        '"?" belongs to QUARTZ expressions',
        'write "*" in UNIX expressions, or set type: QUARTZ',
      );
    }
  }
  return { unixFields: fields };
}

function fromQuartz(fields: string[]): {
  unixFields: string[];
  years?: Set<number>;
} {
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronScheduleError(
      `a QUARTZ cron expression here has 5 or 6 fields, this one has ${fields.length}`,
      QUARTZ_HINT,
    );
  }
  for (const field of fields) {
    const unsupported = /[LW#]/i.exec(field.replace(/[A-Z]{3}/gi, ''));
    if (unsupported) {
      throw new CronScheduleError(
        `the Quartz construct "${unsupported[0]}" in "${field}" is not supported`,
        'use lists and ranges of days instead of L, W and #',
      );
    }
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  return {
    unixFields: [
      minute,
      hour,
      dayOfMonth === '?' ? '*' : dayOfMonth,
      month,
      dayOfWeek === '?' ? '*' : quartzDaysToUnix(dayOfWeek),
    ],
    ...(year !== undefined && year !== '*' ? { years: parseYears(year) } : {}),
  };
}

/** Quartz numbers days 1 (Sunday) to 7 (Saturday); UNIX 0 to 6. Steps stay. */
function quartzDaysToUnix(field: string): string {
  return field
    .split(',')
    .map(part => {
      const [range, step] = part.split('/');
      const shifted = range.replace(/\d+/g, digits => {
        const day = Number(digits);
        if (day < 1 || day > 7) {
          throw new CronScheduleError(
            `Quartz day-of-week ${day} is out of range`,
            'Quartz numbers days 1 (Sunday) to 7 (Saturday), or use SUN-SAT',
          );
        }
        return String(day - 1);
      });
      return step === undefined ? shifted : `${shifted}/${step}`;
    })
    .join(',');
}

function parseYears(field: string): Set<number> {
  const years = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\d{4})(?:-(\d{4}))?$/.exec(part);
    if (!match) {
      throw new CronScheduleError(
        `the year field "${field}" is not a year, a range or a list of them`,
        'write e.g. 2027, 2027-2029 or *',
      );
    }
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last - first > MAX_YEAR_SKIPS) {
      throw new CronScheduleError(
        `the year range "${part}" is empty or too long`,
      );
    }
    for (let year = first; year <= last; year++) years.add(year);
  }
  return years;
}

function yearIn(date: Date, timezone: string): number {
  return Number(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
    }).format(date),
  );
}

function startOfYear(year: number, timezone: string): Date {
  // The zone's offset on 1 January, found from the UTC instant of that wall time.
  const utc = Date.UTC(year, 0, 1);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(utc));
  const get = (type: string) => Number(parts.find(p => p.type === type)?.value);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
  );
  return new Date(utc - (wall - utc));
}
