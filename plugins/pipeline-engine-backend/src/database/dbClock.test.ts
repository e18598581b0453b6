import { toIsoTimestamp, toOptionalIsoTimestamp } from './dbClock';

describe('toIsoTimestamp', () => {
  const iso = '2026-11-28T01:02:03.456Z';

  it('reads every form a timestamp comes back in', () => {
    expect(toIsoTimestamp(new Date(iso))).toBe(iso);
    expect(toIsoTimestamp(Date.parse(iso))).toBe(iso);
    expect(toIsoTimestamp(BigInt(Date.parse(iso)))).toBe(iso);
    expect(toIsoTimestamp(String(Date.parse(iso)))).toBe(iso);
    expect(toIsoTimestamp('2026-11-28 01:02:03')).toBe(
      '2026-11-28T01:02:03.000Z',
    );
    expect(toIsoTimestamp(iso)).toBe(iso);
  });

  it('maps NULL to undefined and refuses garbage', () => {
    expect(toOptionalIsoTimestamp(null)).toBeUndefined();
    expect(toOptionalIsoTimestamp(undefined)).toBeUndefined();
    expect(() => toIsoTimestamp('yesterday')).toThrow(/Unreadable/);
    expect(() => toIsoTimestamp({})).toThrow(/Unreadable/);
  });
});
