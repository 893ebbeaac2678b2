import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_REQUEST } from '@app/contract';
import { runBuiltCli } from './run-cli';

/** The candidate explores with ε = 0.2, and holds no one out (the default). */
const CANDIDATE = { policy: { exploration_epsilon: 0.2 } };

/**
 * The example learner (rules rank resume, comeback, quiz, project: the candidate gives 0.85 and
 * 0.05 each), or with a resume already uploaded (comeback, quiz, project: 13/15, 1/15, 1/15).
 */
function request(user: string, resumeUploaded: boolean): object {
  const { user_data: userData } = EXAMPLE_REQUEST;
  return {
    ...EXAMPLE_REQUEST,
    decision_id: `d-${user}`,
    user_data: {
      ...userData,
      user_id: user,
      profile: { ...userData.profile, resume_uploaded: resumeUploaded },
    },
  };
}

const CANDIDATES = ['resume', 'comeback', 'quiz', 'project'].map((type) => ({
  type,
  source: 'rule',
  score: 0.5,
}));

/** A decision of an exploring logging policy, which put `top` in slot 1 with propensity μ. */
function decisionLine(user: string, resumeUploaded: boolean, top: string, mu: number): string {
  return JSON.stringify({
    decision_id: `d-${user}`,
    user_id: user,
    as_of: EXAMPLE_REQUEST.as_of,
    assignment: { holdout: false, bucket: 0.5 },
    policy_version: 'rules-only/0123456789abcdef',
    features: {},
    candidates: CANDIDATES,
    delivered: [{ type: top, slot: 1, propensity: mu }],
    request: request(user, resumeUploaded),
  });
}

const HELD_OUT = JSON.stringify({
  decision_id: 'd-h1',
  user_id: 'h1',
  as_of: EXAMPLE_REQUEST.as_of,
  assignment: { holdout: true, bucket: 0.01 },
  policy_version: 'rules-only/0123456789abcdef',
  features: {},
  candidates: CANDIDATES,
  delivered: [],
});

/**
 * By hand, with r̂ each type's mean logged reward (resume 1, quiz 1, comeback 1/2, project 0):
 *
 *   learner  logged    μ     r   π       w = π/μ   DR = Σ_t π(t)·r̂(t) + w·(r − r̂(a))
 *   a1       resume    0.5   1   0.85    1.7       0.925 + 1.7·(1 − 1)      = 0.925
 *   a2       quiz      0.25  1   0.05    0.2       0.925 + 0.2·(1 − 1)      = 0.925
 *   a3       comeback  0.25  0   0.05    0.2       0.925 + 0.2·(0 − 0.5)    = 0.825
 *   b1       comeback  0.5   1   13/15   26/15     0.5 + (26/15)·(1 − 0.5)  = 41/30
 *   b2       project   0.5   0   1/15    2/15      0.5 + (2/15)·(0 − 0)     = 0.5
 *
 * with Σ_t π(t)·r̂(t) = 0.85 + 0.05·(0.5 + 1 + 0) = 0.925 for the a's, 13/30 + 1/15 = 0.5 for
 * the b's. IPS = (1.7 + 0.2 + 26/15)/5 = 109/150, SNIPS = (109/30)/(119/30) = 109/119,
 * DR = (2.675 + 41/30 + 0.5)/5 = 109/120; Σw/5 = 119/150; the logging policy earned 3/5.
 */
const DECISIONS = [
  decisionLine('a1', false, 'resume', 0.5),
  HELD_OUT,
  decisionLine('a2', false, 'quiz', 0.25),
  decisionLine('a3', false, 'comeback', 0.25),
  decisionLine('b1', true, 'comeback', 0.5),
  decisionLine('b2', true, 'project', 0.5),
];

/** a3 attends an event the next day: outside a 1-day reward window, inside a 2-day one. */
const OUTCOMES = [
  { user_id: 'a1', action: 'upload_resume', at: '2025-06-30T08:00:00Z', decision_id: 'd-a1' },
  { user_id: 'a2', action: 'take_quiz', at: '2025-06-30' },
  { user_id: 'a3', action: 'attend_event', at: '2025-07-01' },
  { user_id: 'b1', action: 'attend_event', at: '2025-06-30' },
  { user_id: 'b2', action: 'upload_resume', at: '2025-06-30' },
  { user_id: 'h1', action: 'take_quiz', at: '2025-06-30' },
].map((line) => JSON.stringify(line));

describe('training-cli ope', () => {
  let dir: string;
  let candidate: string;
  let noModels: string;

  async function writeLog(name: string, lines: string[]): Promise<string> {
    const path = join(dir, `${name}.ndjson`);
    await writeFile(path, lines.map((line) => `${line}\n`).join(''));
    return path;
  }

  async function ope(decisions: string[], ...extra: string[]) {
    return runBuiltCli([
      'ope',
      '--decisions',
      await writeLog('decisions', decisions),
      '--outcomes',
      await writeLog('outcomes', OUTCOMES),
      '--config',
      candidate,
      '--models-dir',
      noModels,
      ...extra,
    ]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ope-'));
    candidate = join(dir, 'candidate.json');
    noModels = join(dir, 'no-models');
    await writeFile(candidate, JSON.stringify(CANDIDATE));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints IPS, SNIPS and DR with their CIs as one JSON object', async () => {
    const sut = await ope(DECISIONS, '--json', '--bootstrap', '500', '--seed', '3');

    expect(sut.stderr).toBe(
      `warning: --models-dir ${noModels}: cannot read ${noModels}/manifest.json: ENOENT: no such file or directory, open '${noModels}/manifest.json'; the candidate runs on rules only, and the reward model is each type's mean logged reward\n`,
    );
    expect(sut.code).toBe(0);
    const report = JSON.parse(sut.stdout);
    expect(Object.keys(report)).toEqual([
      'ips',
      'snips',
      'dr',
      'decisions',
      'held_out',
      'logged_value',
      'mean_weight',
      'clipped_share',
      'unsupported_share',
      'clip',
      'reward_days',
      'bootstrap',
      'seed',
    ]);
    expect(report.ips.value).toBeCloseTo(109 / 150, 12);
    expect(report.snips.value).toBeCloseTo(109 / 119, 12);
    expect(report.dr.value).toBeCloseTo(109 / 120, 12);
    expect(report).toMatchObject({
      decisions: 5,
      held_out: 1,
      logged_value: 0.6,
      clipped_share: 0,
      unsupported_share: 0,
      clip: 10,
      reward_days: 1,
      bootstrap: 500,
      seed: 3,
    });
    expect(report.mean_weight).toBeCloseTo(119 / 150, 12);
    // IPS resamples are means of five of {1.7, 0.2, 0, 26/15, 0}: never below 0 nor above 26/15.
    expect(report.ips.ci95[0]).toBeGreaterThanOrEqual(0);
    expect(report.ips.ci95[0]).toBeLessThan(report.ips.value);
    expect(report.ips.ci95[1]).toBeGreaterThan(report.ips.value);
    expect(report.ips.ci95[1]).toBeLessThanOrEqual(26 / 15);
    const again = await ope(DECISIONS, '--json', '--bootstrap', '500', '--seed', '3');
    expect(again.stdout).toBe(sut.stdout);
  }, 30_000);

  it('widens the reward window with --reward-days, clips with --clip, and prints a table', async () => {
    // a3's event the next day now earns 1, and w = 1.7 and 26/15 are cut to 1.5.
    const sut = await ope(DECISIONS, '--reward-days', '2', '--clip', '1.5');

    expect(sut.code).toBe(0);
    const lines = sut.stdout.split('\n');
    expect(lines[0]).toBe(
      `value of the candidate policy ${candidate} (rules only): its mean reward per decision, a reward being the top nudge's action done within 2 days (the decision's day and the 1 day after)`,
    );
    const rows = lines.slice(2, 6).map((line) => line.trim().split(/ {2,}/));
    // IPS = (1.5 + 0.2 + 0.2 + 1.5)/5 = 0.68; SNIPS = 3.4/(1.5 + 0.2 + 0.2 + 1.5 + 2/15). With
    // comeback's mean reward now 1, every r̂ of a logged action matches its reward, so DR is
    // the direct term: (3·(0.85 + 0.05·2) + 2·(13/15 + 1/15))/5 = (2.85 + 28/15)/5.
    expect(rows.map((row) => row.slice(0, 2))).toEqual([
      ['estimator', 'value'],
      ['IPS', '0.6800'],
      ['SNIPS', (3.4 / (3.4 + 2 / 15)).toFixed(4)],
      ['DR', ((2.85 + 28 / 15) / 5).toFixed(4)],
    ]);
    expect(lines.slice(7)).toEqual([
      'logging policy: 0.8000 (the mean logged reward)',
      'decisions: 5 not held out (1 held-out decision left out); mean weight 0.707, 40.0% clipped at 1.5; 0.0% without support',
      '95% CIs: percentiles of 1000 bootstrap resamples of the decisions, seed 1',
      '',
    ]);
  }, 30_000);

  it('refuses greedy logs where the candidate chooses otherwise, saying why', async () => {
    const greedy = ['a1', 'a2', 'a3'].map((user) => decisionLine(user, false, 'quiz', 1));
    const sut = await ope(greedy);

    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain(
      `error: ${join(dir, 'decisions.ndjson')} line 1: the logging policy never chose resume where the candidate would: every logged top nudge has propensity 1, so the logging policy never explored (policy.exploration_epsilon 0) and these logs give no weight to any choice it did not make; the candidate chooses otherwise on 3 of 3 decisions (100.0%, at most 1.0% may). Log with policy.exploration_epsilon > 0, so that every nudge the candidate may choose has a chance\n`,
    );
  }, 30_000);

  it('refuses a decision logged without its request, naming the line', async () => {
    const withoutRequest = JSON.stringify({ ...JSON.parse(DECISIONS[2]), request: undefined });
    const sut = await ope([DECISIONS[0], DECISIONS[1], withoutRequest]);

    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain(
      `error: ${join(dir, 'decisions.ndjson')} line 3: request: missing; ope asks the candidate policy what it would have done for the request this decision answered, so every decision not held out must log it\n`,
    );
  }, 30_000);
});
