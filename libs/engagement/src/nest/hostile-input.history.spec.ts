/** Hostile request bodies: the delivery history and decision_id (see describeHostileBodies). */
import { REQUEST_LIMITS } from '@app/contract';
import {
  appendMember,
  AS_OF,
  bodyWith,
  Case,
  DELETE,
  invalid,
  MUST,
  nestedArrays,
  ok,
  PROTO,
  repeat,
  serialize,
  TOO_DEEP,
  withFields,
} from '@app/contract/testing';
import { describeHostileBodies } from '../testing/hostile-service';

const L = REQUEST_LIMITS;

/** Problem texts of the delivery history and decision_id, written out like MUST. */
const HISTORY_MUST = {
  history: `must be an array of at most ${L.history} objects`,
  type: 'must be one of resume, project, quiz, event_fomo, comeback',
  sentAt:
    'must be a calendar date in YYYY-MM-DD format or an RFC 3339 date-time such as 2025-06-28T09:30:00Z',
  outcome: 'must be one of acted, dismissed, ignored',
  entryDecisionId: `must be a string of 1 to ${L.decisionIdLength} characters`,
  decisionId: `must be a string of 1 to ${L.decisionIdLength} printable ASCII characters, without spaces`,
} as const;

const DELIVERED = { type: 'quiz', sent_at: '2025-06-01' };
const historyWith = (...entries: unknown[]) => bodyWith('history', entries);
/** The example with one history entry, `field` of it set to `value` (or removed with DELETE). */
const entryWith = (field: string, value: unknown) =>
  serialize(withFields(['history', [{ ...DELIVERED }]], [`history.0.${field}`, value]));

const BAD_DATE_TIMES = [
  '2025-06-28T24:00:00Z',
  '2025-06-28T23:60:00Z',
  '2025-06-28T23:59:60Z',
  '2025-06-28T09:30:00',
  '2025-06-28T09:30Z',
  '2025-06-28 09:30:00Z',
  '2025-06-28T09:30:00+0530',
  '2025-06-28T09:30:00+24:00',
  '2025-06-28T09:30:00.Z',
  '2025-06-28T09:30:00Z\n',
  '１2025-06-28T09:30:00Z',
];

const historyCases: Case[] = [
  ...(
    [
      ['a string', 'quiz'],
      ['a number', 7],
      ['a boolean', true],
      ['an object', DELIVERED],
      ['an array holding a string', ['quiz']],
      ['an array holding null', [null]],
      ['an array holding an array', [[DELIVERED]]],
      [`an array of the limit + 1 entries`, repeat(L.history + 1, () => DELIVERED)],
    ] as const
  ).map(([label, value]): Case => [
    `history = ${label}`,
    bodyWith('history', value),
    invalid(['history', HISTORY_MUST.history]),
  ]),
  ['history = null is accepted (none)', bodyWith('history', null), ok()],
  ['history = [] is accepted', bodyWith('history', []), ok()],
  [
    `history of exactly ${L.history} entries is accepted`,
    bodyWith(
      'history',
      repeat(L.history, () => DELIVERED),
    ),
    ok(),
  ],
  [
    'an empty entry names both required fields',
    historyWith({}),
    invalid(['history[0].type', MUST.required], ['history[0].sent_at', MUST.required]),
  ],
  ...(
    [
      ['type', 'nudge', HISTORY_MUST.type],
      ['type', 'RESUME', HISTORY_MUST.type],
      ['type', 7, HISTORY_MUST.type],
      ['type', ['quiz'], HISTORY_MUST.type],
      ['type', null, MUST.required],
      ['type', DELETE, MUST.required],
      ['sent_at', 20250601, HISTORY_MUST.sentAt],
      ['sent_at', true, HISTORY_MUST.sentAt],
      ['sent_at', { date: '2025-06-01' }, HISTORY_MUST.sentAt],
      ['sent_at', ['2025-06-01'], HISTORY_MUST.sentAt],
      ['sent_at', null, MUST.required],
      ['sent_at', DELETE, MUST.required],
      ['outcome', 'clicked', HISTORY_MUST.outcome],
      ['outcome', 1, HISTORY_MUST.outcome],
      ['decision_id', '', HISTORY_MUST.entryDecisionId],
      ['decision_id', 'd'.repeat(L.decisionIdLength + 1), HISTORY_MUST.entryDecisionId],
      ['decision_id', 7, HISTORY_MUST.entryDecisionId],
    ] as const
  ).map(([field, value, problem]): Case => [
    `history[0].${field} = ${value === DELETE ? 'missing' : JSON.stringify(value)}`,
    entryWith(field, value),
    invalid([`history[0].${field}`, problem]),
  ]),
  [
    'history[0].sent_at on a day that does not exist says so',
    entryWith('sent_at', '2025-02-29T10:00:00Z'),
    invalid(['history[0].sent_at', 'must be a real date: 2025-02-29 does not exist']),
  ],
  ...BAD_DATE_TIMES.map((sentAt): Case => [
    `history[0].sent_at = ${JSON.stringify(sentAt)} (no such instant, or not RFC 3339)`,
    entryWith('sent_at', sentAt),
    invalid(['history[0].sent_at', HISTORY_MUST.sentAt]),
  ]),
  [
    'a sent_at one day after as_of',
    entryWith('sent_at', '2025-07-01'),
    invalid(['history[0].sent_at', MUST.notAfter(AS_OF)]),
  ],
  [
    'a sent_at at 23:30-02:00 on as_of is the next UTC day, after as_of',
    entryWith('sent_at', `${AS_OF}T23:30:00-02:00`),
    invalid(['history[0].sent_at', MUST.notAfter(AS_OF)]),
  ],
  [
    'a sent_at at 00:30+01:00 the day after as_of is 23:30 UTC on as_of, accepted',
    entryWith('sent_at', '2025-07-01T00:30:00+01:00'),
    ok(),
  ],
  [
    'dates, date-times, offsets, outcomes and unknown fields together are accepted',
    historyWith(
      { type: 'resume', sent_at: '2025-06-01', outcome: 'acted', decision_id: 'd-1' },
      { type: 'project', sent_at: '2025-06-20T09:30:00.123+05:30', outcome: 'dismissed' },
      { type: 'event_fomo', sent_at: '2025-06-10t08:00:00z', outcome: 'ignored', colour: 'teal' },
      { type: 'comeback', sent_at: '2025-05-31T23:59:59-00:00', decision_id: '😀'.repeat(64) },
    ),
    ok(),
  ],
  [
    'every offending entry is named, field by field, then the days after as_of',
    historyWith({ type: 'x', sent_at: 'yesterday' }, DELIVERED, {
      type: 'quiz',
      sent_at: '2025-07-02T00:00:00+01:00',
      outcome: 'nope',
    }),
    invalid(
      ['history[0].type', HISTORY_MUST.type],
      ['history[0].sent_at', HISTORY_MUST.sentAt],
      ['history[2].outcome', HISTORY_MUST.outcome],
      ['history[2].sent_at', MUST.notAfter(AS_OF)],
    ),
  ],
  [
    '__proto__ inside a history entry',
    appendMember(`"history":[{"type":"quiz","sent_at":"2025-06-01","__proto__":{"type":"x"}}]`),
    PROTO,
  ],
  [
    'constructor and prototype as unknown entry fields are plain data, ignored',
    appendMember(
      `"history":[{"type":"quiz","sent_at":"2025-06-01","constructor":{"name":"x"},"prototype":1}]`,
    ),
    ok(),
  ],
  [
    'duplicate sent_at in an entry: the last one is validated',
    appendMember(`"history":[{"type":"quiz","sent_at":"2025-06-01","sent_at":"2025-07-31"}]`),
    invalid(['history[0].sent_at', MUST.notAfter(AS_OF)]),
  ],
  [
    '10k-deep arrays as a history entry',
    appendMember(`"history":[${nestedArrays(10_000)}]`),
    TOO_DEEP,
  ],
  ...(
    [
      ['of the limit + 1 characters', 'd'.repeat(L.decisionIdLength + 1)],
      ['empty', ''],
      ['with a space', 'dec 0630'],
      ['with a control character', 'dec\u00000630'],
      ['with a non-ASCII letter', 'décision'],
      ['that is a number', 630],
      ['that is an array', ['dec_0630']],
    ] as const
  ).map(([label, value]): Case => [
    `decision_id ${label}`,
    bodyWith('decision_id', value),
    invalid(['decision_id', HISTORY_MUST.decisionId]),
  ]),
  [
    `decision_id of ${L.decisionIdLength} printable ASCII characters is accepted`,
    bodyWith('decision_id', '!~'.repeat(L.decisionIdLength / 2)),
    ok(),
  ],
];

const TABLES: [category: string, cases: Case[]][] = [
  ['delivery history and decision_id', historyCases],
];

describeHostileBodies(TABLES);
