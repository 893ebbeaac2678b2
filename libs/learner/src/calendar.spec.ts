import { formatCalendarDate, parseCalendarDate, QUIZ_TOPIC, quizDay, todayUtc } from './calendar';

describe(parseCalendarDate.name, () => {
  it.each([
    ['1970-01-01', 0],
    ['2025-06-30', 20269],
    ['2024-02-29', 19782],
  ])('%p is day %p', (text, day) => {
    expect(parseCalendarDate(text)).toBe(day);
  });

  it.each([
    '2025-02-30',
    '2023-02-29',
    '2025-13-01',
    '2025-00-10',
    '2025-06-31',
    '2025-6-30',
    '2025-06-30T00:00:00Z',
    ' 2025-06-30',
    '',
  ])('refuses %p', (text) => {
    expect(parseCalendarDate(text)).toBeNull();
  });

  it('round-trips through formatCalendarDate', () => {
    expect(formatCalendarDate(parseCalendarDate('2031-12-31')!)).toBe('2031-12-31');
  });
});

describe(todayUtc.name, () => {
  it('counts whole UTC days, whatever the time of day', () => {
    expect(todayUtc(new Date('2025-06-30T23:59:59.999Z'))).toBe(20269);
    expect(todayUtc(new Date('2025-06-30T00:00:00.000Z'))).toBe(20269);
  });
});

describe('parseCalendarDate against Date.UTC', () => {
  it('agrees on every day from 1900 to 2100', () => {
    const MS_PER_DAY = 86_400_000;
    const first = Date.UTC(1900, 0, 1) / MS_PER_DAY;
    const last = Date.UTC(2100, 11, 31) / MS_PER_DAY;
    // One expect for 73k days: a failure still lists the days that disagree.
    const mismatches: string[] = [];
    for (let day = first; day <= last; day++) {
      const text = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
      if (formatCalendarDate(day) !== text)
        mismatches.push(`${day} formats as ${formatCalendarDate(day)}`);
      if (parseCalendarDate(text) !== day)
        mismatches.push(`${text} parses as ${parseCalendarDate(text)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe(quizDay.name, () => {
  it.each([
    ['2025-06-30', 20269],
    ['2025-06-30T23:30:00-01:00', 20270],
    ['2025-06-30t00:00:00z', 20269],
  ])('reads the date %p as day %p', (entry, day) => {
    expect(quizDay(entry)).toBe(day);
  });

  it.each(['01/06/2025', '2025-02-30', '1.6.2025', '2025-06-30T24:00:00Z', '2025-6-3'])(
    'gives null for %p, written as a date that is none',
    (entry) => {
      expect(quizDay(entry)).toBeNull();
    },
  );

  it.each(['javascript', 'dsa', '', '2025', 'GMAT-2025'])('reads %p as a topic', (entry) => {
    expect(quizDay(entry)).toBe(QUIZ_TOPIC);
  });
});
