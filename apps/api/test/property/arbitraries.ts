import fc from 'fast-check';
import { dayOf, isoOf, Request, todayDay } from './oracle';

/** fast-check generators of valid requests for the property-based suite. */

const RESERVED_EVENTS = new Set(['__proto__', 'constructor', 'prototype']);

const ABSENT = Symbol('absent');
const FIRST_DAY = dayOf('2001-01-01');
const LAST_DAY = dayOf('2030-12-31');
const TODAY = todayDay();

/** Characters as the API counts them: surrogate pairs count once, so code units are an upper bound. */
const fits = (max: number) => (s: string) => s.length <= max;

const count = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 1_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_000_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1_000_000_000) },
);

const tag = fc.oneof(
  fc.constantFrom('GRE', 'data science', 'python', 'web dev', 'ML', 'DSA', 'データ科学'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).filter(fits(64)),
);

const eventName = fc
  .oneof(
    fc.constantFrom(
      'startup-meetup',
      'coding-contest',
      'hackathon',
      'ai-night',
      'Café 🎉 Meetup',
      '東京ハッカソン',
      'toString',
      '0',
      '42',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  )
  .filter((name) => fits(128)(name) && !RESERVED_EVENTS.has(name));

/**
 * Written as a date in some notation (docs/api.md): three groups of digits joined by -, / or .,
 * alone or before a time. Such an entry of quiz_history is a date or refused, never a topic.
 */
export const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:$|[Tt ])/;

/** A topic: anything that is not written as a date. */
const topic = fc
  .oneof(
    fc.constantFrom('python', 'sql', 'statistics', 'python 3.12', 'v2.0', '20250601'),
    fc.string({ maxLength: 20 }),
  )
  .filter((s) => !DATE_LIKE.test(s));

/** An id has no control or format character, line separator or unpaired surrogate (docs/api.md). */
const PLAIN_ID = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u;

const userId = fc.oneof(
  fc.integer({ min: 0, max: 999_999 }).map((n) => `stu_${n}`),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((id) => PLAIN_ID.test(id)),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .filter((id) => fits(128)(id) && PLAIN_ID.test(id)),
);

const avgProjects = fc.oneof(
  fc.constantFrom(0, 1, 1.49, 1.5, 1.51, 2, 1_000_000),
  fc.double({ min: 0, max: 10, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 1_000_000 }),
);

const percent = fc.oneof(
  fc.constantFrom(0, 50, 69.99, 70, 70.01, 84, 100),
  fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 100 }),
);

const attendance = fc
  .uniqueArray(fc.tuple(eventName, fc.oneof(fc.integer({ min: 0, max: 20 }), count)), {
    selector: ([name]) => name,
    maxLength: 10,
  })
  .map((entries) => Object.fromEntries(entries));

function requestOn(asOf: number, sendAsOf: boolean): fc.Arbitrary<Request> {
  // Offsets around every threshold (5, 7, 30 days) and far back.
  const pastDate = fc
    .oneof(
      fc.constantFrom(0, 1, 5, 6, 7, 8, 29, 30, 31),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 4_000 }),
    )
    .map((offset) => isoOf(asOf - offset));
  const optionalDate = fc.oneof(fc.constant(ABSENT), fc.constant(null), pastDate, pastDate);
  // Mostly recent: "never" and "long ago" fire event_fomo on their own and would crowd out the
  // combinations without it.
  const lastEvent = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(ABSENT, null) },
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 35 }).map((offset) => isoOf(asOf - offset)) },
    { weight: 2, arbitrary: pastDate },
  );
  return fc
    .record({
      user_data: fc.record({
        user_id: userId,
        profile: fc.record({
          resume_uploaded: fc.boolean(),
          goal_tags: fc.array(tag, { maxLength: 6 }),
          karma: count,
          projects_added: fc.oneof(fc.constant(0), count),
          quiz_history: fc.array(fc.oneof(topic, pastDate), { maxLength: 6 }),
          clubs_joined: fc.array(tag, { maxLength: 4 }),
          buddy_count: fc.oneof(fc.integer({ min: 0, max: 10 }), count),
        }),
        activity: fc.record({
          login_streak: count,
          posts_created: count,
          buddies_interacted: count,
          last_event_attended: lastEvent,
          last_quiz_taken: optionalDate,
        }),
      }),
      peer_snapshot: fc.record({
        batch_avg_projects: avgProjects,
        batch_resume_uploaded_pct: percent,
        batch_event_attendance: attendance,
        buddies_attending_events: fc.array(eventName, { maxLength: 6 }),
      }),
    })
    .map((r) => {
      const activity = r.user_data.activity as Record<string, unknown>;
      for (const key of Object.keys(activity)) if (activity[key] === ABSENT) delete activity[key];
      return { ...(r as unknown as Request), ...(sendAsOf ? { as_of: isoOf(asOf) } : {}) };
    });
}

/** Mostly with as_of; sometimes without, so the server's today is the day (dates stay before it). */
export const validRequest: fc.Arbitrary<Request> = fc
  .oneof(
    {
      weight: 9,
      arbitrary: fc.integer({ min: FIRST_DAY, max: LAST_DAY }).map((d) => [d, true] as const),
    },
    { weight: 1, arbitrary: fc.constant([TODAY, false] as const) },
  )
  .chain(([day, sendAsOf]) => requestOn(day, sendAsOf));
