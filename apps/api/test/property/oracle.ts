import { readFileSync } from 'node:fs';

/**
 * An independent re-implementation of the rule table and the FOMO formula (nothing imported from
 * the service), and what every answer must look like, for the property-based suite.
 */

/** The API's default body limit: a larger body is a 413, and only a larger one. */
export const BODY_LIMIT = 100 * 1024;
/** The problem type of a 400 that lists field errors, as the API documents it. */
const INVALID_REQUEST_TYPE = 'tag:engagement-insight-engine,2026:invalid-request';
const NUDGE_TYPES = ['resume', 'project', 'quiz', 'event_fomo', 'comeback'] as const;
type NudgeType = (typeof NUDGE_TYPES)[number];
const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

// ---------------------------------------------------------------------------------------------
// The rule table's thresholds, read from the config the service runs with (documented defaults)

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
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const dayOf = (iso: string): number => {
  const [y, m, d] = iso.split('-').map(Number);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  return new Date(0).setUTCFullYear(y, m - 1, d) / DAY_MS;
};
export const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const todayDay = (): number => Math.floor(Date.now() / DAY_MS);

export interface Request {
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
// The engine, re-implemented from the rule table and the FOMO formula (not imported)

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
  // `0.7 × 100` is 70.00000000000001 in binary floating point; the rule table means 70.
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
  // "Your peers are going to events" needs peers who are.
  const peersGoing =
    peers.buddies_attending_events.length > 0 ||
    Object.values(peers.batch_event_attendance).some((n) => n > 0);
  const fomoRule =
    peersGoing &&
    (fomoScore >= S.eventFomoThreshold || eventDays === null || eventDays > S.eventGapDays);
  if (buddiesAtEvents || trending || fomoRule) fired.add('event_fomo');
  return fired;
}

// ---------------------------------------------------------------------------------------------
// What every answer must look like

const NUDGE_KEYS =
  'action,evidence,merged_types,message_key,params,priority,propensity,rank,reasons,score,source,title,type';

/** What each type asks the learner to do: comeback and event_fomo both ask for an event. */
const ACTION: Readonly<Record<NudgeType, string>> = {
  resume: 'upload_resume',
  project: 'add_project',
  quiz: 'take_quiz',
  event_fomo: 'attend_event',
  comeback: 'attend_event',
};
const ANALYSIS_KEYS =
  'as_of,assignment,candidates,decision_id,fomo,locale,model_version,nudges,policy_version,slate_propensity,status,suppressed,user_id';
const CANDIDATE_KEYS = 'score,source,type';
const LOCALES = ['en', 'es', 'hi'];
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
export function analysisProblems(a: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(keysOf(a) === ANALYSIS_KEYS, `keys are ${keysOf(a)}`);
  check(typeof a.user_id === 'string', 'user_id is not a string');
  check(a.status === 'generated', 'status is not "generated"');
  check(ISO_DATE.test(a.as_of) && isoOf(dayOf(a.as_of)) === a.as_of, 'as_of is not a date');
  check(a.model_version === null || typeof a.model_version === 'string', 'bad model_version');
  check(LOCALES.includes(a.locale), `locale ${a.locale}`);
  if (!Array.isArray(a.nudges)) return [...problems, 'nudges is not an array'];
  // Without exploration the slate is the one greedy choice: certain.
  check(a.slate_propensity === 1, `slate_propensity ${a.slate_propensity} without exploration`);
  check(a.nudges.length <= S.maxNudges, `more than ${S.maxNudges} nudges`);
  const types = a.nudges.map((n: { type: string }) => n.type);
  check(new Set(types).size === types.length, `a type twice: ${types.join(', ')}`);
  const actions = types.map((type: NudgeType) => ACTION[type]);
  check(new Set(actions).size === actions.length, `an action twice: ${types.join(', ')}`);
  a.nudges.forEach((n: any, i: number) => {
    const at = `nudges[${i}]`;
    check(keysOf(n) === NUDGE_KEYS, `${at} keys are ${keysOf(n)}`);
    check(NUDGE_TYPES.includes(n.type), `${at}.type ${n.type}`);
    check(
      Array.isArray(n.merged_types) &&
        n.merged_types.every(
          (t: NudgeType) => t !== n.type && ACTION[t] === ACTION[n.type as NudgeType],
        ),
      `${at}.merged_types ${JSON.stringify(n.merged_types)} for a ${n.type} nudge`,
    );
    check(isText(n.title) && isText(n.action), `${at} title or action empty`);
    check(n.priority in PRIORITY_RANK, `${at}.priority ${n.priority}`);
    check(n.source === 'rule' || n.source === 'ml', `${at}.source ${n.source}`);
    check(isUnit(n.score), `${at}.score ${n.score} outside 0..1`);
    check(
      Array.isArray(n.reasons) && n.reasons.length > 0 && n.reasons.every(isText),
      `${at}.reasons not a non-empty list of non-empty strings`,
    );
    check(isText(n.message_key), `${at}.message_key is not text`);
    check(
      typeof n.params === 'object' &&
        n.params !== null &&
        Object.values(n.params).every((v) => typeof v === 'number' || typeof v === 'string'),
      `${at}.params is not an object of numbers and strings`,
    );
    check(
      Array.isArray(n.evidence) &&
        n.evidence.length > 0 &&
        n.evidence.every(
          (e: any) =>
            isText(e.rule) && typeof e.inputs === 'object' && typeof e.threshold === 'number',
        ),
      `${at}.evidence is not a non-empty list of {rule, inputs, threshold}`,
    );
    if (i > 0) check(inOrder(a.nudges[i - 1], n), `${at} ranks above nudges[${i - 1}]`);
  });
  if (!Array.isArray(a.candidates)) return [...problems, 'candidates is not an array'];
  a.candidates.forEach((c: any, i: number) => {
    check(keysOf(c) === CANDIDATE_KEYS, `candidates[${i}] keys are ${keysOf(c)}`);
    check(isUnit(c.score) && (c.source === 'rule' || c.source === 'ml'), `candidates[${i}]`);
  });
  // Without exploration the slots take the candidates in order: the nudges lead the list.
  const leading = a.candidates
    .slice(0, a.nudges.length)
    .map((c: any) => c.type)
    .join(',');
  check(leading === types.join(','), `nudges ${types.join(',')} do not lead candidates`);
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
export function badRequestProblems(body: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(body.status === 400 && body.title === 'Bad Request', 'not a 400 problem');
  if (body.errors === undefined) {
    check(body.type === 'about:blank', `type ${body.type}`);
    check(keysOf(body) === 'detail,status,title,type', `keys are ${keysOf(body)}`);
    check(/^body /.test(body.detail), `detail ${body.detail} does not say what of the body`);
    return problems;
  }
  check(body.type === INVALID_REQUEST_TYPE, `type ${body.type}`);
  check(keysOf(body) === 'detail,errors,status,title,type', `keys are ${keysOf(body)}`);
  const n = Array.isArray(body.errors) ? body.errors.length : 0;
  check(n > 0, 'errors is not a non-empty list');
  check(
    body.detail === `invalid request: ${n} field${n === 1 ? '' : 's'} failed validation`,
    `detail ${body.detail}`,
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

export const TOO_LARGE = {
  type: 'about:blank',
  title: 'Payload Too Large',
  status: 413,
  detail: `the body is over this route's limit of ${BODY_LIMIT} bytes`,
};

/** Whether the rule-sourced nudges are what the rule table and the ranking/capping steps allow. */
export function ruleProblems(r: Request, a: any): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  const asOf = dayOf(a.as_of);
  // Through JSON like the answer, so a -0 computed here compares equal to the 0 it becomes.
  const fomo = JSON.parse(JSON.stringify(expectedFomo(r, asOf)));
  const answered = JSON.stringify(a.fomo);
  check(
    answered === JSON.stringify(fomo),
    `fomo ${answered}, the FOMO formula gives ${JSON.stringify(fomo)}`,
  );
  const fired = firingTypes(r, asOf, fomo.score);
  // Types that ask for the same action merge into one nudge: the rule table fires actions.
  const firedActions = new Map<string, NudgeType[]>();
  for (const type of fired)
    firedActions.set(ACTION[type], [...(firedActions.get(ACTION[type]) ?? []), type]);
  const actionRank = (action: string) =>
    Math.min(...(firedActions.get(action) ?? []).map((t) => PRIORITY_RANK[S.priorities[t]]));
  const ruleNudges: any[] = a.nudges.filter((n: any) => n.source === 'rule');
  const rule: string[] = ruleNudges.map((n: any) => ACTION[n.type as NudgeType]);
  const ml: any[] = a.nudges.filter((n: any) => n.source === 'ml');
  const firedList = [...firedActions.keys()].sort().join(', ');
  for (const n of ruleNudges) {
    const merged = [n.type, ...n.merged_types].sort().join(', ');
    const same = [...(firedActions.get(ACTION[n.type as NudgeType]) ?? [])].sort().join(', ');
    check(
      merged === same,
      `rule nudge ${merged}, but the rule table fires ${same || 'none'} for its action`,
    );
  }
  if (firedActions.size < S.maxNudges) {
    const got = [...rule].sort().join(', ');
    check(got === firedList, `rule nudges ask for ${got}, the rule table fires ${firedList}`);
  } else {
    check(rule.length === S.maxNudges, `${rule.length} rule nudges while ${firedList} fire`);
    // Capping keeps the most important: nothing left out outranks anything kept.
    const kept = Math.max(...rule.map(actionRank));
    for (const action of firedActions.keys()) {
      check(
        rule.includes(action) || actionRank(action) >= kept,
        `${action} left out for a lower-priority nudge`,
      );
    }
  }
  for (const n of a.nudges) {
    // A merged nudge ranks as the stronger of its types.
    const best = Math.min(
      ...[n.type, ...n.merged_types].map((t: NudgeType) => PRIORITY_RANK[S.priorities[t]]),
    );
    if (n.source === 'rule')
      check(PRIORITY_RANK[n.priority] === best, `${n.type} priority ${n.priority}`);
  }
  // Models only fill places the rules left, with types no rule produced.
  check(ml.length === 0 || rule.length === firedActions.size, 'an ml nudge displaced a rule nudge');
  for (const n of ml) {
    check(
      !firedActions.has(ACTION[n.type as NudgeType]),
      `ml nudge ${n.type} repeats a rule's action`,
    );
    check(n.merged_types.length === 0, `ml nudge ${n.type} merged ${n.merged_types.join(', ')}`);
    check(n.priority === S.mlPriority, `ml nudge priority ${n.priority}`);
    check(n.score >= S.mlThreshold, `ml nudge score ${n.score} under the threshold`);
    check(
      !(r.user_data.profile.resume_uploaded && n.type === 'resume'),
      'ml resume nudge with a resume',
    );
  }
  return problems;
}
