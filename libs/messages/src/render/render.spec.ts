import { eventDisplayName, gapParams, readableEventName } from './render';

describe(gapParams.name, () => {
  it.each([
    [1, { unit: 'days', days: 1 }],
    [60, { unit: 'days', days: 60 }],
    [61, { unit: 'months', days: 61, months: 2 }],
    [90, { unit: 'months', days: 90, months: 2 }],
    [91, { unit: 'months', days: 91, months: 3 }],
    [360, { unit: 'months', days: 360, months: 11 }],
    [364, { unit: 'months', days: 364, months: 11 }],
    [365, { unit: 'years', days: 365, years: 1 }],
    [366, { unit: 'over_years', days: 366, years: 1 }],
    [729, { unit: 'over_years', days: 729, years: 1 }],
    [730, { unit: 'years', days: 730, years: 2 }],
    [12964, { unit: 'over_years', days: 12964, years: 35 }],
  ])('%p days → %j', (days, params) => {
    expect(gapParams(days)).toEqual(params);
  });
});

describe(readableEventName.name, () => {
  it.each([
    ['ai-summit', 'AI Summit'],
    ['ux-jam-in-pune', 'UX Jam In Pune'],
    ['ml_meetup', 'ML Meetup'],
    ['coding_contest', 'Coding Contest'],
    ['meetup', 'Meetup'],
    ['Café 🎉 Meetup', 'Café 🎉 Meetup'],
    ['toString', 'toString'],
    ['東京ハッカソン', '東京ハッカソン'],
    ['--', '--'],
    ['gdg-devfest', 'GDG Devfest'],
    ['nlp_night', 'NLP Night'],
    ['gym-jam-2025', 'Gym Jam 2025'],
    ['iit-bombay-techfest', 'Iit Bombay Techfest'],
  ])('%p reads %p', (key, name) => {
    expect(readableEventName(key)).toBe(name);
  });

  it.each([
    ['iit-bombay-techfest', 'IIT Bombay Techfest'],
    ['gdg-devfest', 'GDG DevFest'],
    ['pydata_meetup', 'PyData Meetup'],
    ['ai-summit', 'AI Summit'],
  ])("%p reads %p with the config's event_words", (key, name) => {
    const words = { iit: 'IIT', devfest: 'DevFest', pydata: 'PyData' };
    expect(readableEventName(key, words)).toBe(name);
  });

  it("keeps each config's names apart: one config's words never name another's events", () => {
    expect(readableEventName('iit-techfest', { iit: 'IIT' })).toBe('IIT Techfest');
    expect(readableEventName('iit-techfest', { techfest: 'TechFest' })).toBe('Iit TechFest');
    expect(readableEventName('iit-techfest')).toBe('Iit Techfest');
  });
});

describe(eventDisplayName.name, () => {
  const names = { en: 'HackNight', 'es-419': 'Hackatón', hi: 'हैकनाइट' };

  it.each([
    ['one name for every language', 'HackNight 2025', 'hi', 'HackNight 2025'],
    ['the locale itself', names, 'hi', 'हैकनाइट'],
    ['a tag of its language', names, 'es', 'Hackatón'],
    ['English when the locale has none', { en: 'HackNight', hi: 'हैकनाइट' }, 'es', 'HackNight'],
    ['a tag of English', { 'en-GB': 'Hack Night', hi: 'हैकनाइट' }, 'es', 'Hack Night'],
    ['the first name without English', { fr: 'Nuit du hack', hi: 'हैकनाइट' }, 'es', 'Nuit du hack'],
    ['the readable key without a name', undefined, 'en', 'AI Summit'],
  ] as const)('takes %s', (_, name, locale, shown) => {
    expect(eventDisplayName(name === undefined ? 'ai-summit' : 'hackathon', name, locale)).toBe(
      shown,
    );
  });
});
