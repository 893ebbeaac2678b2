import { readFileSync } from 'node:fs';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { EngagementController } from '../src/engagement/engagement.controller';
import { createTestApp } from './test-app';

/**
 * Property-based tests of POST /analyze-engagement, in process through fastify's inject (no
 * sockets, so thousands of requests take seconds). Valid requests are generated, checked against
 * an independent re-implementation of SPEC's rule table and FOMO formula, then mutated and
 * mangled: whatever arrives, the answer is a 200 that matches the response schema, or a 4xx
 * that names the problem, never a 5xx, and every request gets one.
 */

// A fixed seed makes every run the same run; change it to explore, keep it to reproduce.
const SEED = 20250630;
const TIMEOUT_MS = 120_000;
const RUNS = { valid: 1500, mutated: 2500, json: 400, text: 600, bytes: 300, contentType: 200 };

const BODY_LIMIT = 100 * 1024;
const NUDGE_TYPES = ['resume', 'project', 'quiz', 'event_fomo', 'comeback'] as const;
type NudgeType = (typeof NUDGE_TYPES)[number];
const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };
const ATTENDANCE = 'peer_snapshot.batch_event_attendance';
const RESERVED_EVENTS = new Set(['__proto__', 'constructor', 'prototype']);

// ---------------------------------------------------------------------------------------------
// SPEC's thresholds, read from the config the service runs with (defaults as SPEC gives them)

interface Settings {
  readonly resumeThreshold: number;
  readonly projectsAvgThreshold: number;
  readonly eventFomoThreshold: number;
  readonly buddiesEventThreshold: number;
  readonly eventPeerThreshold: number;
  readonly quizInactiveDays: number;
  readonly userInactiveDays: number;
  readonly eventGapDays: number;
  readonly mlThreshold: number;
  readonly mlPriority: string;
  readonly priorities: Record<NudgeType, string>;
  readonly maxNudges: number;
  readonly weights: { buddies: number; batch: number; recency: number };
  readonly batchSaturation: number;
  readonly recencyDays: number;
  readonly steepness: number;
  readonly midpoint: number;
  readonly levels: { medium: number; high: number };
}

function loadSettings(path: string): Settings {
  const c = JSON.parse(readFileSync(path, 'utf8'));
  const fomo = c.fomo ?? {};
  return {
    resumeThreshold: c.profile_rules?.resume_threshold ?? 0.7,
    projectsAvgThreshold: c.profile_rules?.projects_avg_threshold ?? 1.5,
    eventFomoThreshold: c.profile_rules?.event_fomo_threshold ?? 0.6,
    buddiesEventThreshold: c.engagement_rules?.buddies_event_threshold ?? 3,
    eventPeerThreshold: c.engagement_rules?.event_peer_threshold ?? 10,
    quizInactiveDays: c.engagement_rules?.quiz_inactive_days ?? 7,
    userInactiveDays: c.engagement_rules?.user_inactive_days ?? 5,
    eventGapDays: c.engagement_rules?.event_gap_days ?? 30,
    mlThreshold: c.ml_rules?.nudge_probability_threshold ?? 0.6,
    mlPriority: c.ml_rules?.priority ?? 'medium',
    priorities: {
      resume: 'high',
      project: 'medium',
      event_fomo: 'high',
      quiz: 'medium',
      comeback: 'high',
      ...c.priority_labels,
    },
    maxNudges: c.max_nudges ?? 3,
    weights: { buddies: 0.4, batch: 0.3, recency: 0.3, ...fomo.weights },
    batchSaturation: fomo.batch_saturation ?? 10,
    recencyDays: fomo.recency_days ?? 30,
    steepness: fomo.steepness ?? 5,
    midpoint: fomo.midpoint ?? 0.5,
    levels: { medium: 0.3, high: 0.7, ...fomo.levels },
  };
}

const S = loadSettings('config/config.json');

// ---------------------------------------------------------------------------------------------
// Calendar days and the request shape

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const dayOf = (iso: string): number => {
  const [y, m, d] = iso.split('-').map(Number);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  return new Date(0).setUTCFullYear(y, m - 1, d) / DAY_MS;
};
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const todayDay = (): number => Math.floor(Date.now() / DAY_MS);

interface Request {
  user_data: {
    user_id: string;
    profile: {
      resume_uploaded: boolean;
      goal_tags: string[];
      karma: number;
      projects_added: number;
      quiz_history: string[];
      clubs_joined: string[];
      buddy_count: number;
    };
    activity: {
      login_streak: number;
      posts_created: number;
      buddies_interacted: number;
      last_event_attended?: string | null;
      last_quiz_taken?: string | null;
    };
  };
  peer_snapshot: {
    batch_avg_projects: number;
    batch_resume_uploaded_pct: number;
    batch_event_attendance: Record<string, number>;
    buddies_attending_events: string[];
  };
  as_of?: string;
}

// ---------------------------------------------------------------------------------------------
// SPEC's engine, re-implemented from the rule table and the FOMO formula (not imported)

const round2 = (x: number) => Math.round(x * 100) / 100;

interface Fomo {
  score: number;
  level: 'low' | 'medium' | 'high';
  days_since_last_event: number | null;
  factors: { buddies: number; batch: number; recency: number };
}

function daysSinceLastEvent(r: Request, asOf: number): number | null {
  const last = r.user_data.activity.last_event_attended;
  return typeof last === 'string' ? asOf - dayOf(last) : null;
}

function expectedFomo(r: Request, asOf: number): Fomo {
  const { buddy_count } = r.user_data.profile;
  const buddiesAttending = r.peer_snapshot.buddies_attending_events.length;
  const buddies = buddy_count === 0 ? 0 : Math.min(buddiesAttending / buddy_count, 1);
  const counts = Object.values(r.peer_snapshot.batch_event_attendance);
  const batch =
    counts.length === 0
      ? 0
      : counts.reduce((sum, n) => sum + Math.min(n / S.batchSaturation, 1), 0) / counts.length;
  const days = daysSinceLastEvent(r, asOf);
  const recency = days === null ? 1 : Math.min(days / S.recencyDays, 1);
  const x = S.weights.buddies * buddies + S.weights.batch * batch + S.weights.recency * recency;
  const score = round2(1 / (1 + Math.exp(-S.steepness * (x - S.midpoint))));
  const level = score >= S.levels.high ? 'high' : score >= S.levels.medium ? 'medium' : 'low';
  return {
    score,
    level,
    days_since_last_event: days,
    factors: { buddies: round2(buddies), batch: round2(batch), recency: round2(recency) },
  };
}

/** The nudge types whose rules fire, event triggers merged into one event_fomo. */
function firingTypes(r: Request, asOf: number, fomoScore: number): Set<NudgeType> {
  const { profile, activity } = r.user_data;
  const peers = r.peer_snapshot;
  const fired = new Set<NudgeType>();
  // `0.7 × 100` is 70.00000000000001 in binary floating point; SPEC means 70.
  const resumePct = Number((S.resumeThreshold * 100).toPrecision(12));
  if (!profile.resume_uploaded && peers.batch_resume_uploaded_pct > resumePct) fired.add('resume');
  if (profile.projects_added === 0 && peers.batch_avg_projects >= S.projectsAvgThreshold) {
    fired.add('project');
  }
  const quizDays = profile.quiz_history.filter((entry) => ISO_DATE.test(entry)).map(dayOf);
  if (typeof activity.last_quiz_taken === 'string') quizDays.push(dayOf(activity.last_quiz_taken));
  const topics = profile.quiz_history.filter((entry) => !ISO_DATE.test(entry));
  if (quizDays.length > 0) {
    if (asOf - Math.max(...quizDays) > S.quizInactiveDays) fired.add('quiz');
  } else if (topics.length === 0) {
    fired.add('quiz');
  }
  const eventDays = daysSinceLastEvent(r, asOf);
  if (eventDays !== null && eventDays > S.userInactiveDays) fired.add('comeback');
  const buddiesAtEvents = peers.buddies_attending_events.length >= S.buddiesEventThreshold;
  const trending = Object.values(peers.batch_event_attendance).some(
    (n) => n >= S.eventPeerThreshold,
  );
  const fomoRule =
    fomoScore >= S.eventFomoThreshold || eventDays === null || eventDays > S.eventGapDays;
  if (buddiesAtEvents || trending || fomoRule) fired.add('event_fomo');
  return fired;
}

// ---------------------------------------------------------------------------------------------
// What every answer must look like

const NUDGE_KEYS = 'action,priority,reasons,score,source,title,type';
const ANALYSIS_KEYS = 'as_of,fomo,model_version,nudges,status,user_id';
const FOMO_KEYS = 'days_since_last_event,factors,level,score';
const FACTOR_KEYS = 'batch,buddies,recency';

// Checks collect what is wrong as sentences and assert once: thousands of runs stay fast, and
// a failure lists every broken statement at once.
const keysOf = (x: object) => Object.keys(x).sort().join(',');
const isUnit = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1;
const isText = (x: unknown): boolean => typeof x === 'string' && x.length > 0;
const levelOf = (score: number) =>
  score >= S.levels.high ? 'high' : score >= S.levels.medium ? 'medium' : 'low';

/** What is wrong with a 200 body, judged by the response schema alone. */
function analysisProblems(a: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(keysOf(a) === ANALYSIS_KEYS, `keys are ${keysOf(a)}`);
  check(typeof a.user_id === 'string', 'user_id is not a string');
  check(a.status === 'generated', 'status is not "generated"');
  check(ISO_DATE.test(a.as_of) && isoOf(dayOf(a.as_of)) === a.as_of, 'as_of is not a date');
  check(a.model_version === null || typeof a.model_version === 'string', 'bad model_version');
  if (!Array.isArray(a.nudges)) return [...problems, 'nudges is not an array'];
  check(a.nudges.length <= S.maxNudges, `more than ${S.maxNudges} nudges`);
  const types = a.nudges.map((n: { type: string }) => n.type);
  check(new Set(types).size === types.length, `a type twice: ${types.join(', ')}`);
  a.nudges.forEach((n: any, i: number) => {
    const at = `nudges[${i}]`;
    check(keysOf(n) === NUDGE_KEYS, `${at} keys are ${keysOf(n)}`);
    check(NUDGE_TYPES.includes(n.type), `${at}.type ${n.type}`);
    check(isText(n.title) && isText(n.action), `${at} title or action empty`);
    check(n.priority in PRIORITY_RANK, `${at}.priority ${n.priority}`);
    check(n.source === 'rule' || n.source === 'ml', `${at}.source ${n.source}`);
    check(isUnit(n.score), `${at}.score ${n.score} outside 0..1`);
    check(
      Array.isArray(n.reasons) && n.reasons.length > 0 && n.reasons.every(isText),
      `${at}.reasons not a non-empty list of non-empty strings`,
    );
    if (i > 0) check(inOrder(a.nudges[i - 1], n), `${at} ranks above nudges[${i - 1}]`);
  });
  const f = a.fomo;
  check(keysOf(f) === FOMO_KEYS, `fomo keys are ${keysOf(f)}`);
  check(isUnit(f.score) && round2(f.score) === f.score, `fomo.score ${f.score}`);
  check(f.level === levelOf(f.score), `fomo.level ${f.level} for score ${f.score}`);
  const days = f.days_since_last_event;
  check(days === null || (Number.isInteger(days) && days >= 0), `days_since_last_event ${days}`);
  check(keysOf(f.factors) === FACTOR_KEYS, `fomo.factors keys are ${keysOf(f.factors)}`);
  check(Object.values(f.factors).every(isUnit), 'a fomo factor outside 0..1');
  return problems;
}

/** Priority high > medium > low, then rule before ml, then score (ties in any order). */
function inOrder(a: any, b: any): boolean {
  const byPriority = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (byPriority !== 0) return byPriority < 0;
  if (a.source !== b.source) return a.source === 'rule';
  return a.score >= b.score;
}

/** Either a validation error naming each field by path, or a body-level one saying what is wrong. */
function badRequestProblems(body: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(body.statusCode === 400 && body.error === 'Bad Request', 'not a 400 body');
  if (body.errors === undefined) {
    check(keysOf(body) === 'error,message,statusCode', `keys are ${keysOf(body)}`);
    check(/^body /.test(body.message), `message ${body.message} does not say what of the body`);
    return problems;
  }
  const n = Array.isArray(body.errors) ? body.errors.length : 0;
  check(n > 0, 'errors is not a non-empty list');
  check(
    body.message === `invalid request: ${n} field${n === 1 ? '' : 's'} failed validation`,
    `message ${body.message}`,
  );
  for (const error of n > 0 ? body.errors : []) {
    check(keysOf(error) === 'message,path', `error keys are ${keysOf(error)}`);
    check(/^(body|user_data|peer_snapshot|as_of)\b/.test(error.path), `path ${error.path}`);
    check(
      typeof error.message === 'string' && error.message.startsWith(`${error.path} `),
      `message ${error.message} does not start with its path`,
    );
  }
  return problems;
}

const TOO_LARGE = {
  statusCode: 413,
  error: 'Payload Too Large',
  message: 'Request body is too large',
};

/** Whether the rule-sourced nudges are what SPEC's table and the ranking/capping steps allow. */
function ruleProblems(r: Request, a: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  const asOf = dayOf(a.as_of);
  // Through JSON like the answer, so a -0 computed here compares equal to the 0 it becomes.
  const fomo = JSON.parse(JSON.stringify(expectedFomo(r, asOf)));
  const answered = JSON.stringify(a.fomo);
  check(
    answered === JSON.stringify(fomo),
    `fomo ${answered}, SPEC's formula gives ${JSON.stringify(fomo)}`,
  );
  const fired = firingTypes(r, asOf, fomo.score);
  const rule: NudgeType[] = a.nudges
    .filter((n: any) => n.source === 'rule')
    .map((n: any) => n.type);
  const ml: any[] = a.nudges.filter((n: any) => n.source === 'ml');
  const firedList = [...fired].sort().join(', ');
  for (const type of rule) check(fired.has(type), `rule nudge ${type}, but only ${firedList} fire`);
  if (fired.size < S.maxNudges) {
    const got = [...rule].sort().join(', ');
    check(got === firedList, `rule nudges ${got}, SPEC's rules fire ${firedList}`);
  } else {
    check(rule.length === S.maxNudges, `${rule.length} rule nudges while ${firedList} fire`);
    // Capping keeps the most important: nothing left out outranks anything kept.
    const kept = Math.max(...rule.map((t) => PRIORITY_RANK[S.priorities[t]]));
    for (const type of fired) {
      check(
        rule.includes(type) || PRIORITY_RANK[S.priorities[type]] >= kept,
        `${type} left out for a lower-priority nudge`,
      );
    }
  }
  for (const n of a.nudges) {
    if (n.source === 'rule')
      check(n.priority === S.priorities[n.type as NudgeType], `${n.type} priority ${n.priority}`);
  }
  // Models only fill places the rules left, with types no rule produced.
  check(ml.length === 0 || rule.length === fired.size, 'an ml nudge displaced a rule nudge');
  for (const n of ml) {
    check(!fired.has(n.type), `ml nudge ${n.type} duplicates a rule type`);
    check(n.priority === S.mlPriority, `ml nudge priority ${n.priority}`);
    check(n.score >= S.mlThreshold, `ml nudge score ${n.score} under the threshold`);
    check(
      !(r.user_data.profile.resume_uploaded && n.type === 'resume'),
      'ml resume nudge with a resume',
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Generators of valid, realistic requests

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

/** A topic: anything that is not shaped like a date. */
const topic = fc
  .oneof(
    fc.constantFrom('python', 'sql', 'statistics', '2025/06/01', '2025-6-1'),
    fc.string({ maxLength: 20 }),
  )
  .filter((s) => !ISO_DATE.test(s));

const userId = fc.oneof(
  fc.integer({ min: 0, max: 999_999 }).map((n) => `stu_${n}`),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter(fits(128)),
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
const validRequest: fc.Arbitrary<Request> = fc
  .oneof(
    {
      weight: 9,
      arbitrary: fc.integer({ min: FIRST_DAY, max: LAST_DAY }).map((d) => [d, true] as const),
    },
    { weight: 1, arbitrary: fc.constant([TODAY, false] as const) },
  )
  .chain(([day, sendAsOf]) => requestOn(day, sendAsOf));

// ---------------------------------------------------------------------------------------------
// Mutations

/** A JSON literal spliced into the body as is: what JSON.stringify cannot write. */
class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `@@raw:${this.text}@@`;
  }
}

function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^"]*)@@"/g, '$1');
}

const nested = (depth: number, open: string, close: string, core = '1') =>
  new Raw(open.repeat(depth) + core + close.repeat(depth));

/** Odd values: wrong types, edge numbers, impossible dates, long strings, deep structures. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    -0.5,
    1e300,
    -1e300,
    2 ** 53,
    1_000_000_000,
    1_000_000_001,
    '',
    '190',
    'NaN',
    'Infinity',
    '2025-02-30',
    '2025-13-01',
    '2023-02-29',
    '2999-12-31',
    '0050-01-01',
    '2025-6-1',
    '__proto__',
    'x'.repeat(65),
    'x'.repeat(129),
    [],
    {},
    [null],
    [1],
    [[]],
    [{}],
    { '': 1 },
    new Raw('1e400'),
    new Raw('-1e400'),
    new Raw('9007199254740993'),
    new Raw('-0'),
    new Raw('1e-400'),
    // Over the 100 kB body limit on their own.
    'x'.repeat(BODY_LIMIT + 1),
    new Raw(`[${'0,'.repeat(60_000)}0]`),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.string({ maxLength: 3 }), { minLength: 45, maxLength: 210 }),
  fc
    .tuple(fc.constantFrom(2, 10, 30, 31, 32, 33, 100, 1_000, 10_000), fc.boolean())
    .map(([depth, arrays]) => (arrays ? nested(depth, '[', ']') : nested(depth, '{"a":', '}'))),
);

const oddKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    'karma',
    'user_data',
    'as_of',
    'x'.repeat(200),
  ),
  fc.string({ maxLength: 12 }),
);

interface Mutation {
  readonly op: 'drop' | 'set' | 'insert';
  /** Which node, as an index into the document's nodes (modulo their number). */
  readonly pick: number;
  readonly key: string;
  readonly value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('drop', 'set', 'set', 'insert'),
  pick: fc.nat(),
  key: oddKey,
  value: oddValue,
});

type Path = (string | number)[];

/** Every node of the document with its path, the root first. */
function nodesOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (value instanceof Raw || typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    nodesOf(child, [...path, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}

/** A path as the API writes it: dots, [i] for array entries, ["name"] for attendance events. */
function apiPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (out === ATTENDANCE) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** Generated values are copied before use, so no run changes a value another run shares. */
const copy = (value: unknown) => (value instanceof Raw ? value : structuredClone(value));

/** Defined, not assigned, so `__proto__` stays a key. */
const define = (target: object, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, {
    value: copy(value),
    enumerable: true,
    writable: true,
    configurable: true,
  });

/** Applies the mutations in place; returns the API path each one touched. */
function mutate(doc: { root: unknown }, mutations: readonly Mutation[]): string[] {
  const touched: string[] = [];
  for (const m of mutations) {
    const nodes = nodesOf(doc.root);
    const path = nodes[m.pick % nodes.length];
    const at = (depth: number): any =>
      path.slice(0, depth).reduce<any>((node, key) => node[key], doc.root);
    const parent = at(path.length - 1);
    const last = path[path.length - 1];
    if (m.op === 'insert') {
      const target = at(path.length);
      if (Array.isArray(target)) {
        touched.push(apiPath([...path, target.length]));
        define(target, target.length, m.value);
        continue;
      }
      if (typeof target === 'object' && target !== null && !(target instanceof Raw)) {
        touched.push(apiPath([...path, m.key]));
        define(target, m.key, m.value);
        continue;
      }
    }
    touched.push(apiPath(path));
    if (path.length === 0) doc.root = m.op === 'drop' ? undefined : copy(m.value);
    else if (m.op === 'drop' && Array.isArray(parent)) parent.splice(last as number, 1);
    else if (m.op === 'drop') delete parent[last];
    else define(parent, last, m.value);
  }
  return touched;
}

/** Whether the error names the mutated field, a field inside it, or the object holding it. */
const related = (errorPath: string, touched: string) =>
  errorPath.startsWith(touched) || touched.startsWith(errorPath);

// ---------------------------------------------------------------------------------------------

describe(`${EngagementController.name}: POST /analyze-engagement under generated input`, () => {
  let app: NestFastifyApplication;
  const tally: Record<number, number> = {};

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_MAX: '0' });
  });

  afterAll(async () => {
    await app.close();
  });

  async function post(payload: string | Buffer, contentType = 'application/json') {
    const response = await app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/analyze-engagement',
        headers: { 'content-type': contentType },
        payload,
      });
    tally[response.statusCode] = (tally[response.statusCode] ?? 0) + 1;
    const body = response.json();
    const problems: string[] = [];
    if (response.statusCode >= 500) problems.push(`a ${response.statusCode}`);
    const answeredType = String(response.headers['content-type']);
    if (!answeredType.startsWith('application/json')) problems.push(`content-type ${answeredType}`);
    expect(problems).toEqual([]);
    return { status: response.statusCode, body, size: Buffer.byteLength(payload) };
  }

  /** Shape checks every answer gets, whatever was sent; the size decides 413 and nothing else. */
  function expectWellFormed(answer: { status: number; body: any; size: number }): void {
    const problems =
      answer.status === 200
        ? analysisProblems(answer.body)
        : answer.status === 400
          ? badRequestProblems(answer.body)
          : answer.status === 413
            ? JSON.stringify(answer.body) === JSON.stringify(TOO_LARGE)
              ? []
              : ['not the 413 body']
            : [`unexpected status ${answer.status}: ${JSON.stringify(answer.body)}`];
    if ((answer.status === 413) !== answer.size > BODY_LIMIT) {
      problems.push(`${answer.status} for a body of ${answer.size} bytes`);
    }
    expect(problems).toEqual([]);
  }

  it(
    `answers ${RUNS.valid} valid requests with 200, SPEC's rules and FOMO, in order`,
    async () => {
      await fc.assert(
        fc.asyncProperty(validRequest, async (request) => {
          const before = todayDay();
          const answer = await post(serialize(request));
          expect(answer.status).toBe(200);
          const problems = [
            ...analysisProblems(answer.body),
            ...ruleProblems(request, answer.body),
          ];
          if (answer.body.user_id !== request.user_data.user_id) problems.push('user_id changed');
          const asOf = request.as_of ?? [isoOf(before), isoOf(todayDay())];
          if (!asOf.includes(answer.body.as_of)) problems.push(`as_of ${answer.body.as_of}`);
          expect(problems).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS.valid },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.mutated} mutated requests with a 200 that follows the rules, or a 400/413 naming the problem`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          validRequest,
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          async (request, mutations) => {
            const doc = { root: structuredClone(request) as unknown };
            const touched = mutate(doc, mutations);
            const payload = doc.root === undefined ? '' : serialize(doc.root);
            const answer = await post(payload);
            expectWellFormed(answer);
            const problems: string[] = [];
            if (answer.status === 200) {
              // Accepted, so it is a request: the same independent checks as for valid ones.
              const accepted = JSON.parse(payload) as Request;
              if (answer.body.user_id !== accepted.user_data.user_id) problems.push('user_id');
              problems.push(...ruleProblems(accepted, answer.body));
            }
            // After one change, every field named must be the changed one, inside it or holding
            // it (an earlier as_of, though, can turn any date into a future one).
            if (answer.status === 400 && answer.body.errors && touched.length === 1) {
              for (const { path } of touched[0] === 'as_of' ? [] : answer.body.errors) {
                if (!related(path, touched[0])) problems.push(`${path} named for ${touched[0]}`);
              }
            }
            expect(problems).toEqual([]);
          },
        ),
        { seed: SEED, numRuns: RUNS.mutated },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.json} arbitrary JSON documents with a 4xx, never a 5xx`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
          expectWellFormed(await post(JSON.stringify(value) ?? 'null'));
        }),
        { seed: SEED, numRuns: RUNS.json },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.text} textually mangled requests (JSON broken anywhere)`,
    async () => {
      const edit = fc.record({
        at: fc.nat(),
        op: fc.constantFrom('delete', 'insert', 'replace', 'truncate'),
        text: fc.oneof(
          fc.constantFrom(
            '{',
            '}',
            '[',
            ']',
            '"',
            ',',
            ':',
            '\\',
            '0',
            '-',
            'e',
            'null',
            '\u0000',
            '\ud800',
            'é',
            ' ',
          ),
          fc.string({ unit: 'binary', maxLength: 4 }),
        ),
      });
      await fc.assert(
        fc.asyncProperty(
          validRequest,
          fc.array(edit, { minLength: 1, maxLength: 4 }),
          async (request, edits) => {
            let text = serialize(request);
            for (const { at, op, text: t } of edits) {
              const i = at % (text.length + 1);
              if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
              else if (op === 'insert') text = text.slice(0, i) + t + text.slice(i);
              else if (op === 'replace') text = text.slice(0, i) + t + text.slice(i + 1);
              else text = text.slice(0, i);
            }
            expectWellFormed(await post(text));
          },
        ),
        { seed: SEED, numRuns: RUNS.text },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.bytes} requests with random bytes flipped (invalid UTF-8 included)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          validRequest,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 6,
          }),
          async (request, flips) => {
            const bytes = Buffer.from(serialize(request));
            for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
            expectWellFormed(await post(bytes));
          },
        ),
        { seed: SEED, numRuns: RUNS.bytes },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.contentType} requests with other media types with 415`,
    async () => {
      const mediaType = fc
        .oneof(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'text/json',
          ),
          fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}$/),
        )
        .filter((type) => type !== 'application/json');
      await fc.assert(
        fc.asyncProperty(validRequest, mediaType, async (request, type) => {
          const answer = await post(serialize(request), type);
          expect(answer.status).toBe(415);
          expect(answer.body).toEqual({
            statusCode: 415,
            error: 'Unsupported Media Type',
            message: 'Unsupported Media Type',
          });
        }),
        { seed: SEED, numRuns: RUNS.contentType },
      );
    },
    TIMEOUT_MS,
  );

  it('met every kind of answer along the way', () => {
    // Guards the generators: a property that only ever sees 400s proves little.
    expect(Object.keys(tally).map(Number).sort()).toEqual([200, 400, 413, 415]);
    const total = Object.values(tally).reduce((sum, n) => sum + n, 0);
    expect(total).toBe(Object.values(RUNS).reduce((sum, n) => sum + n, 0));
  });
});
