import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_REQUEST, validateAnalyzeRequest } from '@app/contract';
import {
  analyzeLearner,
  buildEngineConfig,
  EngineState,
  policyVersion,
  slatePolicy,
} from '@app/engagement';
import { parseCalendarDate } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { ONE_SHARD } from '../../cli/learner-partitions';
import { LogFiles, oneFileLog } from '../../cli/log-file';
import { OpePolicies, PortablePolicies, tallyOpe } from './ope-logs';
import { BUCKET_COLUMNS, OpeTally, served } from './ope-tally';
import { bucketOf } from './reward-model';
import { OpeService } from './ope.service';
import { slateWeight, slateWeighting } from './slate-weights';
import { requireSupport } from './support';

const DAY = parseCalendarDate('2025-06-30')!;

/** The example learner's request, made for `user`: its rules rank resume, comeback, quiz, project. */
function requestFor(user: string, decisionId: string): Record<string, unknown> {
  return {
    ...EXAMPLE_REQUEST,
    decision_id: decisionId,
    user_data: { ...EXAMPLE_REQUEST.user_data, user_id: user },
  };
}

/** A rules-only policy of this config document, and the document for the threads. */
const documents = new WeakMap<EngineState, object>();
function rulesOnly(document: object): EngineState {
  const state = { config: buildEngineConfig(document), models: undefined };
  documents.set(state, document);
  return state;
}

/** Logs with ε = 0.2 and a 30% holdout; rules only. */
const LOGGING = rulesOnly({
  policy: { exploration_epsilon: 0.2 },
  assignment: { holdout_percent: 30 },
});

/** The same rules, one slot, no exploration. */
const ONE_SLOT = rulesOnly({ max_nudges: 1 });

const policies = (candidate: EngineState, logging = LOGGING): OpePolicies => ({
  logging,
  candidate,
  baseline: undefined,
  loggingName: '--logging-config test.json',
});

const portable = (state: EngineState) => ({
  configDocument: documents.get(state),
  configSource: 'config',
  models: undefined,
});

const SETTINGS = { rewardDays: 1, folds: 2, seed: 1, clip: 100, shard: ONE_SHARD, threads: 1 };

/** Tallies the logs for `ope` with these policies, on this thread. */
function read(
  logs: { decisions: LogFiles; outcomes: LogFiles },
  with_: OpePolicies,
  settings: Partial<typeof SETTINGS> = {},
): Promise<OpeTally> {
  const threads: PortablePolicies = {
    logging: portable(with_.logging),
    candidate: portable(with_.candidate),
    baseline: undefined,
    loggingName: with_.loggingName,
  };
  return tallyOpe(logs, threads, with_, { ...SETTINGS, ...settings });
}

/** The report's checks of a tally: decisions not held out, the logs overlapping. */
async function report(logs: { decisions: LogFiles; outcomes: LogFiles }, tally: OpeTally) {
  const run = {
    settings: { clip: 100, rewardDays: 1, resamples: 10, folds: 2, seed: 1 },
    candidate: 'the candidate',
    baseline: 'the baseline',
    ...logs,
  };
  return new OpeService().report(run, tally, undefined, () => undefined);
}

/** The decision line a platform logs for the logging policy's answer to this request. */
function logged(user: string, decisionId: string, state = LOGGING): Record<string, unknown> {
  const request = requestFor(user, decisionId);
  const valid = validateAnalyzeRequest(request, DAY);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  const answer = analyzeLearner(valid.value, state);
  return {
    decision_id: answer.decision_id,
    user_id: answer.user_id,
    as_of: answer.as_of,
    assignment: answer.assignment,
    policy_version: answer.policy_version,
    features: {},
    candidates: answer.candidates,
    delivered: answer.nudges.map(({ type, rank, propensity }) => ({
      type,
      slot: rank,
      propensity,
    })),
    slate_propensity: answer.slate_propensity,
    request,
  };
}

describe(tallyOpe.name, () => {
  let dir: string;
  let files = 0;

  async function log(...lines: object[]): Promise<string> {
    const path = join(dir, `log-${files++}.ndjson`);
    await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ope-logs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // With a 30% holdout, stu_2 (bucket 0.2532) is held out; ana (0.7202) and dee (0.5349) are
  // served. d-1's draws explore slot 1 and send project first.
  const ana = () => logged('ana', 'd-1');
  const held = () => logged('stu_2', 'd-2');
  const cal = () => logged('dee', 'd-3');

  /** ana acted on her day, dee the day after, an event in either case counting. */
  async function exampleLogs(): Promise<{ decisions: LogFiles; outcomes: LogFiles }> {
    return {
      decisions: oneFileLog(await log(ana(), held(), cal())),
      outcomes: oneFileLog(
        await log(
          { user_id: 'ana', action: 'attend_event', at: '2025-06-30T18:00:00Z' },
          { user_id: 'dee', action: 'take_quiz', at: '2025-07-01' },
          { user_id: 'dee', action: 'upload_resume', at: '2025-06-29' },
          { user_id: 'stu_2', action: 'take_quiz', at: '2025-06-30' },
        ),
      ),
    };
  }

  it('keeps each decision not held out with its outcome: any action within the window', async () => {
    const sut = await read(await exampleLogs(), policies(LOGGING));
    expect(sut.decisions).toBe(3);
    expect(sut.heldOut).toBe(1);
    expect(served(sut)).toBe(2);
    expect(sut.learners).toBe(2);
    // ana acted on her day, dee only the day after.
    expect(sut.rewards).toBe(1);
    // ana's and dee's buckets each hold their decision; no other bucket holds one.
    const decisionsIn = (user: string) => sut.buckets[bucketOf(user, 1) * BUCKET_COLUMNS];
    expect([decisionsIn('ana'), decisionsIn('dee'), decisionsIn('stu_2')]).toEqual([1, 1, 0]);
    const all = sut.buckets.filter((_, i) => i % BUCKET_COLUMNS === 0);
    expect(all.reduce((sum, n) => sum + n, 0)).toBe(2);
    const later = await read(await exampleLogs(), policies(LOGGING), { rewardDays: 2 });
    expect(later.rewards).toBe(2);
  });

  it('reads decisions kept in two files as in one, a copy of a line skipped and counted', async () => {
    const { decisions, outcomes } = await exampleLogs();
    // A batch of ana's and stu_2's lines, then the batch again and dee's.
    const first = await log(ana(), held());
    const second = await log(ana(), held(), cal());

    const sut = await read(
      { decisions: { name: 'the log', files: [first, second] }, outcomes },
      policies(ONE_SLOT),
    );

    const { copies, decisionLines, ...estimates } = sut;
    const {
      copies: none,
      decisionLines: lines,
      ...expected
    } = await read({ decisions, outcomes }, policies(ONE_SLOT));
    expect(estimates).toEqual(expected);
    expect([decisionLines, lines]).toEqual([5, 3]);
    expect(copies).toEqual({ lines: 2, first: { file: 1, line: 1 } });
    expect(none).toBeUndefined();
  });

  it('weighs the logged slate 1 for the logging policy and by the pseudo-inverse for another', async () => {
    const same = await read(await exampleLogs(), policies(LOGGING));
    expect(same.weights.sum).toBeCloseTo(2, 9);
    expect(same.weights.squares).toBeCloseTo(2, 9);
    const sut = await read(await exampleLogs(), policies(ONE_SLOT));
    const weightOf = (user: string, id: string, line: Record<string, unknown>) => {
      const valid = validateAnalyzeRequest(requestFor(user, id), DAY);
      if (!valid.ok) throw new Error('invalid');
      const weighting = slateWeighting(
        slatePolicy(valid.value, LOGGING),
        slatePolicy(valid.value, ONE_SLOT),
      );
      return slateWeight(
        weighting,
        (line.delivered as { type: never }[]).map((n) => n.type),
      );
    };
    const weights = [weightOf('ana', 'd-1', ana()), weightOf('dee', 'd-3', cal())];
    expect(sut.weights.sum).toBeCloseTo(weights[0] + weights[1], 12);
    expect(sut.weights.squares).toBeCloseTo(weights[0] ** 2 + weights[1] ** 2, 12);
    expect(sut.support.mass).toEqual({ candidate: 0, baseline: 0 });
    expect(sut.historyDependent).toBe(0);
  });

  it('counts what a greedy logging policy cannot support', async () => {
    const greedy = rulesOnly({ assignment: { holdout_percent: 30 } });
    const decisions = await log(logged('ana', 'd-1', greedy), logged('dee', 'd-3', greedy));
    const outcomes = await log({ user_id: 'ana', action: 'take_quiz', at: '2025-06-30' });
    const logs = { decisions: oneFileLog(decisions), outcomes: oneFileLog(outcomes) };
    const sut = await read(logs, policies(ONE_SLOT, greedy));
    // The greedy policy always fills three slots; the candidate always leaves slot 2 empty.
    expect(sut.support.mass.candidate).toBe(2);
    expect(() => requireSupport(sut.support, 2, logs.decisions)).toThrow(
      new CliUsageError(
        `${decisions} line 1: the candidate policy leaves the second slot empty, which the logging policy never does there: the logging policy never explored (policy.exploration_epsilon 0), so its logs give no weight to a slate it did not choose. Log with policy.exploration_epsilon > 0: exploring then draws every nudge, and stopping, into every slot; 100.0% of the candidate's probability over 2 decisions lacks support (at most 1.0% may)`,
      ),
    );
  });

  const version = policyVersion(null, LOGGING.config.hash, { holdout: false, bucket: 0 });

  it.each<[string, () => object[], string]>([
    [
      'a decision without its request',
      () => [{ ...ana(), request: undefined }],
      'line 1: request: missing; ope asks the logging and candidate policies what they would have done for the request this decision answered, so every decision not held out must log it',
    ],
    [
      'a request the engine refuses',
      () => [{ ...ana(), request: { ...requestFor('ana', 'd-1'), peer_snapshot: undefined } }],
      'line 1: request: peer_snapshot is required',
    ],
    [
      'a slate with a gap',
      () => [{ ...ana(), delivered: [{ type: 'resume', slot: 2, propensity: 1 }] }],
      'line 1: delivered: has no nudge in slot 1 but one in slot 2; a slate fills its slots in order',
    ],
    [
      'decisions another policy made',
      () => [{ ...ana(), policy_version: 'rules-only/0000000000000000' }],
      `line 1: policy_version: "rules-only/0000000000000000", but the logging policy (--logging-config test.json) would log "${version}"; ope replays the policy that made the logs to know every slate it could have sent, so pass the config and models that made them`,
    ],
    [
      'a propensity the logging policy did not draw with',
      () => [
        { ...ana(), delivered: [{ type: 'resume', slot: 1, propensity: 1 }], slate_propensity: 1 },
      ],
      'line 1: delivered[slot 1].propensity: logged 1, but the logging policy (--logging-config test.json) gives 0.8400000000000001 (exploration_epsilon 0.2, 4 nudges left and stopping); the propensities must be the ones the logging policy drew with',
    ],
    [
      'a slate propensity the logging policy did not draw with',
      () => [{ ...ana(), slate_propensity: 0.5 }],
      `line 1: slate_propensity: logged 0.5, but the logging policy (--logging-config test.json) gives ${(ana().slate_propensity as number).toString()} for sending project, resume, comeback`,
    ],
    [
      'a decision id on two lines that differ',
      () => [ana(), { ...ana(), platform: 'web' }],
      'line 2: decision_id: "d-1" is already on line 1',
    ],
    [
      'only held-out decisions',
      () => [held()],
      "has no decisions that were not held out: a policy's value is its mean outcome over those",
    ],
  ])('refuses %s', async (_case, lines, message) => {
    const decisions = await log(...lines());
    const outcomes = await log({ user_id: 'ana', action: 'take_quiz', at: '2025-06-30' });
    const logs = { decisions: oneFileLog(decisions), outcomes: oneFileLog(outcomes) };
    await expect(
      read(logs, policies(LOGGING)).then((tally) => report(logs, tally)),
    ).rejects.toThrow(new CliUsageError(`${decisions} ${message}`));
  });

  it("refuses an outcome naming another learner's decision", async () => {
    const decisions = await log(ana());
    const outcomes = await log({
      user_id: 'ben',
      action: 'take_quiz',
      at: '2025-06-30',
      decision_id: 'd-1',
    });
    await expect(
      read({ decisions: oneFileLog(decisions), outcomes: oneFileLog(outcomes) }, policies(LOGGING)),
    ).rejects.toThrow(
      new CliUsageError(
        `${outcomes} line 1: decision_id: "d-1" is not a decision of user_id "ben" in ${decisions}`,
      ),
    );
  });
});
