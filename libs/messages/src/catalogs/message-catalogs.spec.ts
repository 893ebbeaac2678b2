import { SUPPORTED_LOCALES } from '../locale/locales';
import { catalogProblems } from './catalog-checks';
import {
  BUNDLED_CATALOGS,
  CatalogError,
  CatalogSource,
  compileCatalogs,
  MessageCatalogs,
} from './message-catalogs';
import { CATALOG_KEYS } from './message-keys';

const { en, es, hi } = BUNDLED_CATALOGS;

/** Intl's narrow no-break space would not survive an editor; Spanish percent uses U+00A0. */
const NBSP = '\u00a0';

function without(catalog: CatalogSource, key: string): Record<string, string> {
  const copy = { ...catalog };
  delete copy[key];
  return copy;
}

describe(catalogProblems.name, () => {
  it.each(SUPPORTED_LOCALES)('finds nothing wrong with the bundled %s catalog', (locale) => {
    const sut = catalogProblems(locale, BUNDLED_CATALOGS[locale]);

    expect(sut).toEqual([]);
  });

  it('bundles every key the engine renders in each locale, in the English order', () => {
    for (const locale of SUPPORTED_LOCALES) {
      expect(Object.keys(BUNDLED_CATALOGS[locale])).toEqual(CATALOG_KEYS);
    }
  });

  it.each([
    ['comeback.title', '{gap, number}', 'gap'],
    ['buddies_at_events.title', '{events, plural, one {#} other {#}}', 'events'],
    ['comeback.title', '{days, plural, one {# {gap, date}} other {#}}', 'gap'],
  ])('rejects text values formatted as numbers: %s = %p', (key, text, name) => {
    const sut = catalogProblems('en', { ...en, [key]: text });

    expect(sut).toEqual([
      {
        path: `messages.en["${key}"]`,
        message: `messages.en["${key}"] uses {${name}} as a number, but it is text: write {${name}}`,
      },
    ]);
  });

  it.each([
    ['as text', 'Wait until {date}.'],
    ['as a number', 'Wait until {date, number}.'],
    ['in a style that reads the server time zone', 'Wait until {date, date, short}.'],
    ['as a skeleton', 'Wait until {date, date, ::yyyyMMdd}.'],
    ['as a time', 'Wait until {date, time, long}.'],
  ])('rejects a date formatted %s', (_, text) => {
    const sut = catalogProblems('en', { ...en, 'suppressed.weekly_cap': text });

    expect(sut).toEqual([
      {
        path: 'messages.en["suppressed.weekly_cap"]',
        message:
          'messages.en["suppressed.weekly_cap"] uses {date} as text, a number or another date style, but it is a day: write {date, date, long}',
      },
    ]);
  });

  it('rejects a number formatted as a date', () => {
    const sut = catalogProblems('en', { ...en, 'comeback.title': '{days, date, long}' });

    expect(sut).toEqual([
      {
        path: 'messages.en["comeback.title"]',
        message: 'messages.en["comeback.title"] uses {days} as a date or time, but it is a number',
      },
    ]);
  });

  it.each([null, [], 'text', 3])('rejects %p as a catalog', (catalog) => {
    const sut = catalogProblems('en', catalog);

    expect(sut).toEqual([
      { path: 'messages.en', message: 'messages.en must be an object of message keys to texts' },
    ]);
  });

  it.each([3, null, ''])('rejects %p as a message', (text) => {
    const sut = catalogProblems('en', { ...en, 'quiz_none.action': text });

    expect(sut).toEqual([
      {
        path: 'messages.en["quiz_none.action"]',
        message: 'messages.en["quiz_none.action"] must be a non-empty string',
      },
    ]);
  });

  it('names a missing key', () => {
    const sut = catalogProblems('es', without(es, 'ml_quiz.action'));

    expect(sut).toEqual([
      {
        path: 'messages.es["ml_quiz.action"]',
        message: 'messages.es["ml_quiz.action"] is missing',
      },
    ]);
  });

  it('names a key the engine does not render, even one Object.prototype has', () => {
    const sut = catalogProblems('en', { ...en, 'ml_quiz.subtitle': 'x', toString: '{x}' });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["ml_quiz.subtitle"] is not a message the engine renders',
      'messages.en["toString"] is not a message the engine renders',
    ]);
  });

  it('says where the ICU syntax breaks', () => {
    const sut = catalogProblems('en', { ...en, 'quiz_inactive.action': 'Take a quiz {gap' });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["quiz_inactive.action"] is not ICU MessageFormat: EXPECT_ARGUMENT_CLOSING_BRACE at character 13',
    ]);
  });

  it('names a parameter the code does not pass, and the ones it does', () => {
    const sut = catalogProblems('en', {
      ...en,
      'quiz_none.title': 'Hi {name}, try a quiz!',
      'quiz_inactive.title': 'It has been {weeks, number} weeks ({gap}).',
    });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["quiz_inactive.title"] uses {weeks}, which is not passed (passed: {days}, {gap})',
      'messages.en["quiz_none.title"] uses {name}, which is not passed (passed: none)',
    ]);
  });

  it('finds a parameter inside plural and select options', () => {
    const sut = catalogProblems('en', {
      ...en,
      more_events: '{count, plural, one {# more} other {# more of {total}}}',
      gap: '{unit, select, days {{days} days} other {{decades} decades}}',
    });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["gap"] uses {decades}, which is not passed (passed: {unit}, {days}, {months}, {years})',
      'messages.en["more_events"] uses {total}, which is not passed (passed: {count})',
    ]);
  });

  it("names the plural categories of the locale's grammar a plural lacks", () => {
    const sut = catalogProblems('es', {
      ...es,
      more_events: '{count, plural, one {# más} other {# más}}',
    });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.es["more_events"] plural {count} lacks the categories many',
    ]);
  });

  it('does not count exact options as categories, and checks nested plurals', () => {
    const sut = catalogProblems('en', {
      ...en,
      more_events: '{count, plural, =0 {none} =1 {one more}}',
      gap: '{unit, select, days {{days, plural, =1 {a day} other {# days}}} other {long}}',
    });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["gap"] plural {days} lacks the categories one',
      'messages.en["more_events"] plural {count} lacks the categories one, other',
    ]);
  });

  it('leaves ordinal plurals alone: their categories are not the cardinal ones', () => {
    const sut = catalogProblems('en', {
      ...en,
      more_events: '{count, selectordinal, one {#st more} other {#th more}}',
    });

    expect(sut).toEqual([]);
  });

  it('names a select without "other"', () => {
    const sut = catalogProblems('en', {
      ...en,
      gap: '{unit, select, days {{days} days} months {{months} months}}',
    });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["gap"] select {unit} has no "other" option',
    ]);
  });

  it('names a tag, which would need a value the engine does not pass', () => {
    const sut = catalogProblems('en', { ...en, 'quiz_none.action': 'Take <b>your first</b> quiz' });

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.en["quiz_none.action"] uses the tag <b>, which the engine does not render',
    ]);
  });

  it('reports every problem: keys in catalog order, then the missing ones', () => {
    const broken: Record<string, string> = {
      ...without(hi, 'gap'),
      more_events: '{count, plural, other {# अन्य}}',
      'quiz_none.title': '{who} {oops',
      'fomo_peers.title': '{score, plural, one {#} other {{name}}}',
    };

    const sut = catalogProblems('hi', broken);

    expect(sut.map((problem) => problem.message)).toEqual([
      'messages.hi["more_events"] plural {count} lacks the categories one',
      'messages.hi["quiz_none.title"] is not ICU MessageFormat: EXPECT_ARGUMENT_CLOSING_BRACE at character 7',
      'messages.hi["fomo_peers.title"] uses {name}, which is not passed (passed: {score}, {event_count}, {peer_count}, {event})',
      'messages.hi["gap"] is missing',
    ]);
  });
});

describe(MessageCatalogs.name, () => {
  const sut = compileCatalogs(BUNDLED_CATALOGS);

  it('refuses catalogs with problems, naming each', () => {
    const broken = { en, es: without(es, 'gap'), hi: { ...hi, 'quiz_none.title': '{x}' } };

    const attempt = (): MessageCatalogs => compileCatalogs(broken);

    expect(attempt).toThrow(CatalogError);
    expect(() => compileCatalogs(broken)).toThrow(
      expect.objectContaining({
        errors: [
          { path: 'messages.es["gap"]', message: 'messages.es["gap"] is missing' },
          {
            path: 'messages.hi["quiz_none.title"]',
            message: 'messages.hi["quiz_none.title"] uses {x}, which is not passed (passed: none)',
          },
        ],
      }),
    );
    expect(attempt).toThrow(
      'invalid message catalogs: messages.es["gap"] is missing; messages.hi["quiz_none.title"] uses {x}, which is not passed (passed: none)',
    );
  });

  it.each([
    ['en', 1, '1 day'],
    ['en', 2, '2 days'],
    ['es', 1, '1 día'],
    ['es', 2, '2 días'],
    ['es', 1_000_000, '1.000.000 días'],
    ['hi', 1, '1 दिन'],
    ['hi', 2, '2 दिन'],
  ] as const)('renders a %s span of %p days as %p', (locale, days, text) => {
    expect(sut.format(locale, 'gap', { unit: 'days', days })).toBe(text);
  });

  it.each([
    ['en', ['over 2 months', 'a year', 'over a year', '2 years', 'over 2 years']],
    ['es', ['más de 2 meses', 'un año', 'más de un año', '2 años', 'más de 2 años']],
    ['hi', ['2 महीने से ज़्यादा', 'एक साल', 'एक साल से ज़्यादा', '2 साल', '2 साल से ज़्यादा']],
  ] as const)('renders %s spans in months and years', (locale, texts) => {
    const spans: Record<string, string | number>[] = [
      { unit: 'months', days: 61, months: 2 },
      { unit: 'years', days: 365, years: 1 },
      { unit: 'over_years', days: 400, years: 1 },
      { unit: 'years', days: 730, years: 2 },
      { unit: 'over_years', days: 800, years: 2 },
    ];
    expect(spans.map((span) => sut.format(locale, 'gap', span))).toEqual(texts);
  });

  it.each([
    [1, 'Los amigos de este estudiante van a 1 evento (la regla se activa a partir de 2).'],
    [5, 'Los amigos de este estudiante van a 5 eventos (la regla se activa a partir de 2).'],
    [
      1_000_000,
      'Los amigos de este estudiante van a 1.000.000 eventos (la regla se activa a partir de 2).',
    ],
  ])('uses Spanish one, other and many (%p)', (count, text) => {
    expect(sut.format('es', 'reason.buddies_at_events', { count, threshold: 2 })).toBe(text);
  });

  it.each([
    [1, 'बैच का 1 साथी Ai Summit में जा रहा है (नियम 3 से लागू होता है)।'],
    [4, 'बैच के 4 साथी Ai Summit में जा रहे हैं (नियम 3 से लागू होता है)।'],
  ])('uses Hindi one and other (%p)', (peers, text) => {
    expect(
      sut.format('hi', 'reason.trending_event', { peers, event: 'Ai Summit', threshold: 3 }),
    ).toBe(text);
  });

  it.each([
    ['en', "84% of your peers have uploaded a resume. You haven't yet!"],
    ['es', `El 84${NBSP}% de tus compañeros ya subió su currículum. ¡Tú aún no!`],
    ['hi', 'आपके 84% साथी अपना रिज़्यूमे अपलोड कर चुके हैं। आपने अभी तक नहीं किया!'],
  ] as const)('formats a share as a %s percentage', (locale, text) => {
    expect(sut.format(locale, 'resume_peer_gap.title', { share: 0.84 })).toBe(text);
  });

  it.each([
    ['en', 'The model puts the chance this learner acts at 62% (it nudges from 50%).'],
    [
      'es',
      `El modelo estima en un 62${NBSP}% la probabilidad de que este estudiante actúe (sugiere a partir del 50${NBSP}%).`,
    ],
  ] as const)('formats %s probabilities the same way each time', (locale, text) => {
    const values = { probability: 0.62, threshold: 0.5 };

    expect(sut.format(locale, 'reason.model', values)).toBe(text);
    expect(sut.format(locale, 'reason.model', values)).toBe(text);
  });

  it.each([
    ['en', 'Ai Summit, Meetup, and 2 more'],
    ['es', 'Ai Summit, Meetup y 2 más'],
    ['hi', 'Ai Summit, Meetup, और 2 अन्य'],
  ] as const)('lists events in %s with "N more" last', (locale, text) => {
    const more = sut.format(locale, 'more_events', { count: 2 });

    expect(sut.list(locale, ['Ai Summit', 'Meetup', more])).toBe(text);
  });

  it.each([
    ['en', [], ''],
    ['en', ['Meetup'], 'Meetup'],
    ['en', ['Meetup', 'Hackathon'], 'Meetup and Hackathon'],
    ['es', ['Meetup', 'Hackathon'], 'Meetup y Hackathon'],
    ['hi', ['Meetup', 'Hackathon'], 'Meetup और Hackathon'],
  ] as const)('lists in %s %j as %p', (locale, items, text) => {
    expect(sut.list(locale, items)).toBe(text);
  });

  it.each([
    ['en', 'July 12, 2025'],
    ['es', '12 de julio de 2025'],
    ['hi', '12 जुलाई 2025'],
  ] as const)('writes a %s date in words, in UTC whatever the time zone', (locale, text) => {
    const day = Date.UTC(2025, 6, 12);
    const zone = process.env.TZ;
    // West of Greenwich, UTC midnight is the evening before: a local format would say the 11th.
    process.env.TZ = 'America/Los_Angeles';
    try {
      const fresh = compileCatalogs(BUNDLED_CATALOGS);
      expect(fresh.format(locale, 'suppressed.weekly_cap', { date: day })).toContain(text);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it.each([
    [
      'en',
      [
        'A peer of yours is going to Startup Meetup. Join them!',
        '3 of your peers are going to Startup Meetup. Join them!',
        'Your peers are going to events. Pick one and join them!',
      ],
    ],
    [
      'es',
      [
        'Un compañero tuyo va a Startup Meetup. ¡Únete!',
        '3 de tus compañeros van a Startup Meetup. ¡Únete!',
        'Tus compañeros van a eventos. ¡Elige uno y únete a ellos!',
      ],
    ],
    [
      'hi',
      [
        'आपका एक साथी Startup Meetup में जा रहा है। उनके साथ जुड़ें!',
        'आपके 3 साथी Startup Meetup में जा रहे हैं। उनके साथ जुड़ें!',
        'आपके साथी इवेंट्स में जा रहे हैं। कोई एक चुनें और उनके साथ जुड़ें!',
      ],
    ],
  ] as const)(
    'says in %s one peer at one event in the singular, names a lone event, and counts peers',
    (locale, texts) => {
      const going = [
        { event_count: 1, peer_count: 1 },
        { event_count: 1, peer_count: 3 },
        { event_count: 4, peer_count: 9 },
      ];
      expect(
        going.map((who) =>
          sut.format(locale, 'fomo_peers.title', { ...who, event: 'Startup Meetup', score: 0.7 }),
        ),
      ).toEqual(texts);
    },
  );

  it('throws on a key no catalog has: a programming error, not a reader one', () => {
    expect(() => sut.format('es', 'quiz_none.subtitle', {})).toThrow(
      'no message quiz_none.subtitle for es',
    );
  });
});
