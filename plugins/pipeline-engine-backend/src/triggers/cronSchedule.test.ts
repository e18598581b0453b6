import { CronScheduleError, parseCronSchedule } from './cronSchedule';

const at = (iso: string) => new Date(iso);
const next = (
  type: 'UNIX' | 'QUARTZ',
  expression: string,
  after: string,
  timezone = 'UTC',
) =>
  parseCronSchedule({ type, expression, timezone })
    .nextAfter(at(after))
    ?.toISOString();

describe('parseCronSchedule', () => {
  it('reads UNIX expressions as five fields, Harness\'s "every Monday at 1AM" among them', () => {
    // Harness's docs: "0 1 * * MON" runs the pipeline every Monday at 1AM.
    expect(next('UNIX', '0 1 * * MON', '2026-12-05T06:00:00Z')).toBe(
      '2026-12-07T01:00:00.000Z',
    );
    expect(next('UNIX', '0/5 * * * *', '2026-12-05T06:01:00Z')).toBe(
      '2026-12-05T06:05:00.000Z',
    );
    // Strictly after: an occurrence at `after` itself is not "next".
    expect(next('UNIX', '*/5 * * * *', '2026-12-05T06:05:00Z')).toBe(
      '2026-12-05T06:10:00.000Z',
    );
  });

  it("evaluates in the trigger's IANA time zone", () => {
    // 09:00 in New York in December is 14:00 UTC.
    expect(
      next('UNIX', '0 9 * * *', '2026-12-05T06:00:00Z', 'America/New_York'),
    ).toBe('2026-12-05T14:00:00.000Z');
    expect(next('UNIX', '0 9 * * *', '2026-12-05T06:00:00Z')).toBe(
      '2026-12-05T09:00:00.000Z',
    );
  });

  it('reads QUARTZ expressions: "?", days 1 (Sunday) to 7, and a year field', () => {
    // Quartz day 2 is Monday (UNIX 1).
    expect(next('QUARTZ', '0 4 ? * 2', '2026-12-05T06:00:00Z')).toBe(
      '2026-12-07T04:00:00.000Z',
    );
    expect(next('QUARTZ', '30 4 ? * MON-FRI', '2026-12-05T06:00:00Z')).toBe(
      '2026-12-07T04:30:00.000Z',
    );
    // Harness's sample: 4 July at midnight, only in the listed year.
    expect(next('QUARTZ', '0 0 4 7 ? 2028', '2026-12-05T06:00:00Z')).toBe(
      '2028-07-04T00:00:00.000Z',
    );
    expect(next('QUARTZ', '0 0 4 7 ? 2014', '2026-12-05T06:00:00Z')).toBe(
      undefined,
    );
  });

  it.each([
    ['UNIX', '0 4 * *', /has 5 fields, this one has 4/],
    ['UNIX', '0 4 ? * *', /"\?" belongs to QUARTZ/],
    ['UNIX', '61 * * * *', /not a valid UNIX cron expression/],
    ['QUARTZ', '0 0 0 4 7 ? 2014', /5 or 6 fields, this one has 7/],
    ['QUARTZ', '0 4 L * ?', /construct "L"/],
    ['QUARTZ', '0 4 ? * 2#1', /construct "#"/],
    ['QUARTZ', '0 4 ? * 8', /day-of-week 8 is out of range/],
    ['QUARTZ', '0 4 ? * * 20x6', /year field/],
  ] as const)(
    'refuses %s "%s" naming the fault',
    (type, expression, message) => {
      expect(() =>
        parseCronSchedule({ type, expression, timezone: 'UTC' }),
      ).toThrow(message);
    },
  );

  it('refuses an unknown time zone with a hint', () => {
    let error: unknown;
    try {
      parseCronSchedule({
        type: 'UNIX',
        expression: '* * * * *',
        timezone: 'Mars/Olympus',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CronScheduleError);
    expect(error).toMatchObject({
      message: 'unknown time zone "Mars/Olympus"',
      hint: expect.stringContaining('IANA'),
    });
  });
});
