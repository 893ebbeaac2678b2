/** Hostile request bodies: nesting, non-JSON, prototype and duplicate keys, control characters and unicode (see describeHostileBodies). */
import { EXAMPLE_ANALYSIS, REQUEST_LIMITS } from '@app/contract';
import { readableEventName } from '@app/messages';
import {
  appendMember,
  AS_OF,
  ATTENDANCE,
  bodyWith,
  Case,
  eventFomo,
  EXAMPLE_TEXT,
  invalid,
  MUST,
  nestedArrays,
  nestedObjects,
  NOT_JSON,
  NOT_OBJECT,
  ok,
  prototypeCases,
  refused,
  serialize,
  TOO_DEEP,
  types,
  withFields,
} from '@app/contract/testing';
import { describeHostileBodies } from '../testing/hostile-service';

const L = REQUEST_LIMITS;

const nestingCases: Case[] = [
  [
    '10k-deep arrays in an unknown root field',
    appendMember(`"padding":${nestedArrays(10_000)}`),
    TOO_DEEP,
  ],
  [
    '10k-deep objects in an unknown root field',
    appendMember(`"padding":${nestedObjects(10_000)}`),
    TOO_DEEP,
  ],
  [
    '10k-deep arrays in an unknown profile field',
    appendMember(`"padding":${nestedArrays(10_000)}`, 'user_data.profile'),
    TOO_DEEP,
  ],
  [
    '10k-deep arrays as a goal tag',
    EXAMPLE_TEXT.replace('"goal_tags":[', `"goal_tags":[${nestedArrays(10_000)},`),
    TOO_DEEP,
  ],
  [
    '10k-deep objects as an attendance count',
    EXAMPLE_TEXT.replace('"startup-meetup":5', `"startup-meetup":${nestedObjects(10_000)}`),
    TOO_DEEP,
  ],
  ['10k-deep arrays as the whole body', nestedArrays(10_000), TOO_DEEP],
  ['40k-deep arrays as the whole body (just under the body limit)', nestedArrays(40_000), TOO_DEEP],
  [
    '5k-deep "constructor" objects',
    appendMember(`"padding":${'{"constructor":'.repeat(5_000)}1${'}'.repeat(5_000)}`),
    TOO_DEEP,
  ],
  ['33-deep arrays in an unknown field', appendMember(`"padding":${nestedArrays(33)}`), TOO_DEEP],
  [
    '20-deep arrays in an unknown field are ignored like any unknown field',
    appendMember(`"padding":${nestedArrays(20)}`),
    ok(),
  ],
];

const nonJsonCases: Case[] = [
  ...[
    'hello',
    '{',
    '}',
    "{'user_data': 1}",
    '{user_data: 1}',
    '[1, 2,]',
    '{"a": 1,}',
    'undefined',
    '{}x',
    '{}{}',
    '<request><user_id>stu_7023</user_id></request>',
    '// comment\n{}',
    'user_data=1&as_of=2025-06-30',
    '"unterminated',
    '\u0000',
    EXAMPLE_TEXT.slice(0, -1),
    EXAMPLE_TEXT.slice(0, 200),
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"a\u0001b"'),
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"a\\xb"'),
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"\\ud83d\\u"'),
  ].map((text): Case => [`${JSON.stringify(text.slice(0, 60))} is not JSON`, text, NOT_JSON]),
  ['whitespace only', ' \n\t ', refused('body is not valid JSON: Unexpected end of JSON input')],
  ...['null', '[]', '"stu_7023"', '42', 'true', `[${EXAMPLE_TEXT}]`].map((text): Case => [
    `${text.slice(0, 20)} is JSON but not an object`,
    text,
    NOT_OBJECT,
  ]),
];

const duplicateKeyCases: Case[] = [
  [
    'duplicate user_id: the last one wins (JSON.parse semantics)',
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"first","user_id":"last"'),
    ok((a) => expect(a.user_id).toBe('last')),
  ],
  [
    'duplicate karma, invalid then valid: the last (valid) one is validated',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":"190","karma":190'),
    ok(),
  ],
  [
    'duplicate karma, valid then invalid: the last (invalid) one is validated',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":190,"karma":-1'),
    invalid(['user_data.profile.karma', MUST.count]),
  ],
  [
    'duplicate as_of: the last one is the day analysed',
    EXAMPLE_TEXT.replace(`"as_of":"${AS_OF}"`, `"as_of":"2025-02-30","as_of":"2025-07-31"`),
    ok((a) => {
      expect(a.as_of).toBe('2025-07-31');
      expect(a.fomo.days_since_last_event).toBe(47);
    }),
  ],
  [
    'duplicate batch_resume_uploaded_pct: the last one fires the rule',
    EXAMPLE_TEXT.replace(
      '"batch_resume_uploaded_pct":84',
      '"batch_resume_uploaded_pct":10,"batch_resume_uploaded_pct":91',
    ),
    ok((a) => expect(a.nudges[0]).toMatchObject({ type: 'resume', score: 0.91 })),
  ],
  [
    'duplicate attendance event: the last count is the one used',
    EXAMPLE_TEXT.replace('"coding-contest":9', '"coding-contest":9,"coding-contest":50'),
    ok((a) => expect(a.fomo.factors.batch).toBe(0.75)),
  ],
  [
    'duplicate user_data: the last, broken one is validated as a whole',
    appendMember('"user_data":{"user_id":"x"}'),
    invalid(['user_data.profile', MUST.required], ['user_data.activity', MUST.required]),
  ],
];

const CONTROL = 'a\u0000b\u0007c\u001bd\u007fe\u2028f\u2029g\ud800h';
const controlCases: Case[] = [
  // An id that prints as something it is not (in a log, a terminal, a dashboard) is refused.
  ...(
    [
      ['control characters and a lone surrogate', CONTROL],
      ['NUL', 'stu\u0000_7023'],
      ['a newline', 'stu_7023\n'],
      ['a right-to-left override', '\u202e3207_uts'],
      ['a lone surrogate', '\ud800'],
    ] as const
  ).map(([label, id]): Case => [
    `escaped ${label} in user_id are refused, naming the field`,
    bodyWith('user_data.user_id', id),
    invalid(['user_data.user_id', MUST.plainId]),
  ]),
  [
    'control characters in tags, clubs and topics are data',
    serialize(
      withFields(
        ['user_data.profile.goal_tags', ['\u0000', '\t\n']],
        ['user_data.profile.clubs_joined', ['\u001b[31mred']],
        ['user_data.profile.quiz_history', ['2025-06-01', '\u0000python']],
      ),
    ),
    ok((a) => expect(types(a)).toEqual(EXAMPLE_ANALYSIS.nudges.map((n) => n.type))),
  ],
  [
    'an unescaped control character in a string is not JSON',
    EXAMPLE_TEXT.replace('"stu_7023"', '"stu\u0000_7023"'),
    NOT_JSON,
  ],
  [
    'an unescaped newline in a string is not JSON',
    EXAMPLE_TEXT.replace('"stu_7023"', '"stu\n_7023"'),
    NOT_JSON,
  ],
  [
    'a bad count under an event name with quotes and a newline is named with the name escaped',
    bodyWith(ATTENDANCE, { 'say "hi"\n] now': -1 }),
    invalid([`${ATTENDANCE}["say \\"hi\\"\\n] now"]`, MUST.count]),
  ],
  [
    'a control character in a date is not a date',
    bodyWith('user_data.activity.last_event_attended', '2025-06-1\u00004'),
    invalid(['user_data.activity.last_event_attended', MUST.date]),
  ],
];

const UNICODE_EVENTS = {
  'Café 🎉 Meetup': 12,
  東京ハッカソン: 3,
  'حفلة البرمجة': 4,
  'e\u0301vénement': 2,
  '👩‍💻👨‍👩‍👧': 1,
  '\u202eevil': 0,
};
/** Event names from other scripts and the corners of Unicode; each is just a name. */
const ODD_EVENT_NAMES: [label: string, name: string][] = [
  ['emoji', '🎉🚀'],
  ['CJK', '東京ハッカソン'],
  ['right-to-left Arabic', 'حفلة البرمجة'],
  ['a combining accent', 'e\u0301vénement'],
  ['a zero-width-joiner sequence', '👩‍💻'],
  ['a right-to-left override', '\u202eevil'],
  ['a zero-width space', 'meet\u200bup'],
  ['an astral-plane script', '𐌰𐌱𐌲'],
  [`${L.eventNameLength} CJK characters`, '東'.repeat(L.eventNameLength)],
];

const unicodeCases: Case[] = [
  ...ODD_EVENT_NAMES.map(([label, name]): Case => [
    `an event named with ${label} is accepted and named in the reasons in readable form`,
    serialize(
      withFields([ATTENDANCE, { [name]: 12 }], ['peer_snapshot.buddies_attending_events', [name]]),
    ),
    ok((a) =>
      expect(eventFomo(a).reasons).toContain(
        `12 peers of the batch are going to ${readableEventName(name)} (the rule fires from 10).`,
      ),
    ),
  ]),
  [
    'unicode event names in both peer fields are accepted and named in the reasons',
    serialize(
      withFields(
        [ATTENDANCE, UNICODE_EVENTS],
        ['peer_snapshot.buddies_attending_events', Object.keys(UNICODE_EVENTS).slice(0, 3)],
      ),
    ),
    ok((a) => {
      // The comeback merged into the event nudge (both ask for an event): the quiz takes its slot.
      expect(types(a)).toEqual(['resume', 'event_fomo', 'quiz']);
      expect(eventFomo(a).reasons).toEqual([
        'The last event was 16 days ago (the rule fires after 5 days).',
        "This learner's buddies attend 3 events (the rule fires from 3).",
        '12 peers of the batch are going to Café 🎉 Meetup (the rule fires from 10).',
        'The event FOMO score is 0.69 (the rule fires from 0.6).',
      ]);
      // One message says the time away and names the trending event.
      expect(eventFomo(a).title).toBe(
        "It's been 16 days since your last event — Café 🎉 Meetup is trending: 12 of your peers are going!",
      );
    }),
  ],
  [
    'a unicode user_id, tags and topics are accepted',
    serialize(
      withFields(
        ['user_data.user_id', 'étudiant_٧٠٢٣_学生'],
        ['user_data.profile.goal_tags', ['データ科学', 'Ελληνικά']],
        ['user_data.profile.quiz_history', ['2025-06-01', 'پایتون']],
      ),
    ),
    ok((a) => expect(a.user_id).toBe('étudiant_٧٠٢٣_学生')),
  ],
];

const TABLES: [category: string, cases: Case[]][] = [
  ['deep nesting', nestingCases],
  ['non-JSON, empty and non-object bodies', nonJsonCases],
  ['__proto__, constructor and prototype keys', prototypeCases],
  ['duplicate keys (last wins)', duplicateKeyCases],
  ['control characters', controlCases],
  ['unicode', unicodeCases],
];

describeHostileBodies(TABLES);
