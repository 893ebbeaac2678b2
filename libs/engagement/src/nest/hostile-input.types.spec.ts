/** Hostile request bodies: wrong types, missing fields and numbers (see describeHostileBodies). */
import { REQUEST_LIMITS } from '@app/contract';
import {
  ATTENDANCE,
  bodyWith,
  Case,
  DATES,
  DELETE,
  EVENT_COUNT,
  EXAMPLE_TEXT,
  FIELDS,
  invalid,
  Kind,
  MUST,
  NOT_JSON,
  nudge,
  ok,
  raw,
  ruleTypes,
  SEVERAL_WRONG_TYPES,
} from '@app/contract/testing';
import { describeHostileBodies } from '../testing/hostile-service';

const L = REQUEST_LIMITS;

/** Values of every JSON type but the field's own. */
const WRONG_TYPES: Record<Kind, [label: string, value: unknown][]> = {
  object: [
    ['a string', 'x'],
    ['a number', 7],
    ['a boolean', true],
    ['an array', []],
    ['an array of the right object', [{}]],
  ],
  string: [
    ['a number', 7023],
    ['a boolean', true],
    ['an object', { id: 'stu_7023' }],
    ['an array', ['stu_7023']],
  ],
  boolean: [
    ['a string', 'false'],
    ['a number', 0],
    ['a number 1', 1],
    ['an object', {}],
    ['an array', [false]],
  ],
  count: [
    ['a numeric string', '7'],
    ['a boolean', true],
    ['an object', { value: 7 }],
    ['an array', [7]],
  ],
  number: [
    ['a numeric string', '2'],
    ['a boolean', false],
    ['an object', {}],
    ['an array', [2]],
  ],
  percent: [
    ['a numeric string', '84'],
    ['a boolean', true],
    ['an object', {}],
    ['an array', [84]],
  ],
  strings: [
    ['a string', 'python'],
    ['a number', 3],
    ['a boolean', true],
    ['an object', { 0: 'python' }],
    ['an array holding a number', ['python', 3]],
    ['an array holding null', [null]],
    ['an array holding a boolean', [true]],
    ['an array holding an array', [['python']]],
    ['an array holding an object', [{}]],
  ],
  date: [
    ['a number', 20250601],
    ['a boolean', true],
    ['an object', { year: 2025 }],
    ['an array', ['2025-06-01']],
  ],
  attendance: [
    ['a string', 'coding-contest'],
    ['a number', 9],
    ['a boolean', true],
    ['an array', ['coding-contest']],
    ['an array of pairs', [['coding-contest', 9]]],
  ],
};

const NUMERIC = FIELDS.filter((f) => ['count', 'number', 'percent'].includes(f.kind));
const COUNTS = FIELDS.filter((f) => f.kind === 'count');

// ---------------------------------------------------------------------------------------------
// The tables

const wrongTypeCases: Case[] = [
  ...FIELDS.flatMap((field) =>
    WRONG_TYPES[field.kind].map(([label, value]): Case => [
      `${field.path} = ${label} (${JSON.stringify(value)})`,
      bodyWith(field.path, value),
      invalid([field.path, field.problem]),
    ]),
  ),
  ...FIELDS.filter((field) => field.optional !== true).map((field): Case => [
    `${field.path} = null`,
    bodyWith(field.path, null),
    invalid([field.path, MUST.required]),
  ]),
  ...(
    [
      ['a numeric string', '9'],
      ['a boolean', true],
      ['null', null],
      ['an object', { peers: 9 }],
      ['an array', [9]],
    ] as const
  ).map(([label, value]): Case => [
    `${EVENT_COUNT.reported} = ${label}`,
    bodyWith(EVENT_COUNT.set, value),
    invalid([EVENT_COUNT.reported, MUST.count]),
  ]),
  [
    'several wrong types at once are all named, in field order',
    SEVERAL_WRONG_TYPES.body,
    invalid(...SEVERAL_WRONG_TYPES.errors),
  ],
];

const missingFieldCases: Case[] = [
  ...FIELDS.filter((field) => field.optional !== true).map((field): Case => [
    `${field.path} missing`,
    bodyWith(field.path, DELETE),
    invalid([field.path, MUST.required]),
  ]),
  [
    'user_data = {} names all three of its fields',
    bodyWith('user_data', {}),
    invalid(
      ['user_data.user_id', MUST.required],
      ['user_data.profile', MUST.required],
      ['user_data.activity', MUST.required],
    ),
  ],
  [
    'peer_snapshot = {} names all four of its fields',
    bodyWith('peer_snapshot', {}),
    invalid(
      ['peer_snapshot.batch_avg_projects', MUST.required],
      ['peer_snapshot.batch_resume_uploaded_pct', MUST.required],
      [ATTENDANCE, MUST.required],
      ['peer_snapshot.buddies_attending_events', MUST.required],
    ),
  ],
  [
    '{} names both top-level fields',
    '{}',
    invalid(['user_data', MUST.required], ['peer_snapshot', MUST.required]),
  ],
  ...DATES.map((field): Case => [
    `${field.path} missing is accepted (never / unknown / today)`,
    bodyWith(field.path, DELETE),
    ok(),
  ]),
];

/** Numbers that are not counts: negative, fractional, beyond the limit, beyond a double. */
const BAD_COUNTS: [label: string, value: unknown, problem: string][] = [
  ['-1', -1, MUST.count],
  ['-0.5', -0.5, MUST.count],
  ['0.5', 0.5, MUST.count],
  ['1.5', 1.5, MUST.count],
  ['the limit + 1', L.maxCount + 1, MUST.countMax],
  ['1e300', 1e300, MUST.countMax],
  ['2**53 + 1', raw('9007199254740993'), MUST.countMax],
  ['1e400 (Infinity once parsed)', raw('1e400'), MUST.count],
  ['-1e400 (-Infinity once parsed)', raw('-1e400'), MUST.count],
  ['-1e300', -1e300, MUST.count],
];

const numberCases: Case[] = [
  ...COUNTS.flatMap((field) =>
    BAD_COUNTS.map(([label, value, problem]): Case => [
      `${field.path} = ${label}`,
      bodyWith(field.path, value),
      invalid([field.path, problem]),
    ]),
  ),
  ...BAD_COUNTS.map(([label, value, problem]): Case => [
    `${EVENT_COUNT.reported} = ${label}`,
    bodyWith(EVENT_COUNT.set, value),
    invalid([EVENT_COUNT.reported, problem]),
  ]),
  ...(
    [
      ['-1', -1, MUST.number],
      ['-0.001', -0.001, MUST.number],
      ['the limit + 0.5', L.maxAvgProjects + 0.5, MUST.avgMax],
      ['1e300', 1e300, MUST.avgMax],
      ['2**53 + 1', raw('9007199254740993'), MUST.avgMax],
      ['1e400 (Infinity once parsed)', raw('1e400'), MUST.number],
      ['-1e400 (-Infinity once parsed)', raw('-1e400'), MUST.number],
    ] as const
  ).map(([label, value, problem]): Case => [
    `peer_snapshot.batch_avg_projects = ${label}`,
    bodyWith('peer_snapshot.batch_avg_projects', value),
    invalid(['peer_snapshot.batch_avg_projects', problem]),
  ]),
  ...(
    [
      ['-1', -1],
      ['-0.01', -0.01],
      ['100.01', 100.01],
      ['1e300', 1e300],
      ['2**53 + 1', raw('9007199254740993')],
      ['1e400 (Infinity once parsed)', raw('1e400')],
      ['-1e400 (-Infinity once parsed)', raw('-1e400')],
    ] as const
  ).map(([label, value]): Case => [
    `peer_snapshot.batch_resume_uploaded_pct = ${label}`,
    bodyWith('peer_snapshot.batch_resume_uploaded_pct', value),
    invalid(['peer_snapshot.batch_resume_uploaded_pct', MUST.percent]),
  ]),
  // The edges that are fine, so the limits above are where the API says they are.
  ...COUNTS.map((field): Case => [
    `${field.path} = the limit (${L.maxCount}) is accepted`,
    bodyWith(field.path, L.maxCount),
    ok(),
  ]),
  [
    '-0 is the count 0 (JSON has one zero for integers)',
    bodyWith('user_data.profile.karma', raw('-0')),
    ok(),
  ],
  [
    '1.0 is the count 1 (JSON does not type integers)',
    bodyWith('user_data.profile.karma', raw('1.0')),
    ok(),
  ],
  ['1e2 is the count 100', bodyWith('user_data.profile.karma', raw('1e2')), ok()],
  [
    '1e-400 underflows to 0 when parsed, so it is the count 0',
    bodyWith('user_data.profile.karma', raw('1e-400')),
    ok(),
  ],
  [
    '5e-324 (the smallest double) is not a count',
    bodyWith('user_data.profile.karma', raw('5e-324')),
    invalid(['user_data.profile.karma', MUST.count]),
  ],
  [
    `batch_avg_projects = the limit (${L.maxAvgProjects}) is accepted`,
    bodyWith('peer_snapshot.batch_avg_projects', L.maxAvgProjects),
    ok(),
  ],
  [
    'batch_avg_projects may be fractional (0.25)',
    bodyWith('peer_snapshot.batch_avg_projects', 0.25),
    ok((a) => expect(ruleTypes(a)).not.toContain('project')),
  ],
  [
    'batch_resume_uploaded_pct may be fractional (70.5 > 70 fires the resume rule)',
    bodyWith('peer_snapshot.batch_resume_uploaded_pct', 70.5),
    ok((a) =>
      expect(nudge(a, 'resume').reasons).toEqual([
        "70.5% of this learner's batch have a resume and this learner has none (the rule fires above 70%).",
      ]),
    ),
  ],
  [
    'batch_resume_uploaded_pct = 100 is accepted',
    bodyWith('peer_snapshot.batch_resume_uploaded_pct', 100),
    ok(),
  ],
];

const NAN_LIKE = ['NaN', 'Infinity', '-Infinity', '1e3', '0x10', '', ' 7', '7 ', '７', 'null'];

const nanLikeCases: Case[] = [
  ...[...NUMERIC, { path: EVENT_COUNT.reported, problem: MUST.count }].flatMap((field) =>
    NAN_LIKE.map((text): Case => {
      const setAt = field.path === EVENT_COUNT.reported ? EVENT_COUNT.set : field.path;
      return [
        `${field.path} = ${JSON.stringify(text)}`,
        bodyWith(setAt, text),
        invalid([field.path, field.problem]),
      ];
    }),
  ),
  ['a bare NaN literal is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":NaN'), NOT_JSON],
  [
    'a bare Infinity literal is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":Infinity'),
    NOT_JSON,
  ],
  ['a hex literal is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":0xBE'), NOT_JSON],
  ['a leading + is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":+190'), NOT_JSON],
  ['a leading zero is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":0190'), NOT_JSON],
];

const TABLES: [category: string, cases: Case[]][] = [
  ['wrong types at every field', wrongTypeCases],
  ['missing fields', missingFieldCases],
  ['negative, huge and fractional numbers', numberCases],
  ['NaN-like strings and number literals JSON lacks', nanLikeCases],
];

describeHostileBodies(TABLES);
