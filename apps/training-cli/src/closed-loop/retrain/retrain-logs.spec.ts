import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { featureVectorOf, readDeliveredNudges, readLoggedOutcomes } from './retrain-logs';

/** Feature i of a decision numbered `n` is n·100 + i, so every cell is recognisable. */
const features = (n: number) =>
  Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, n * 100 + i]));

function decision(id: string, user: string, asOf: string, delivered: object[], n: number): object {
  const holdout = delivered.length === 0;
  return {
    decision_id: id,
    user_id: user,
    as_of: asOf,
    assignment: { holdout, bucket: holdout ? 0.01 : 0.5 },
    policy_version: 'rules-only/884005e8da4dd3cc',
    features: features(n),
    candidates: [],
    delivered,
  };
}

const day = (date: string) => parseCalendarDate(date)!;

describe(featureVectorOf.name, () => {
  it('orders the features as FEATURE_NAMES, whatever the order in the log', () => {
    const reversed = Object.fromEntries(Object.entries(features(2)).reverse());

    expect(Array.from(featureVectorOf(reversed, 'd line 1'))).toEqual(
      FEATURE_NAMES.map((_, i) => 200 + i),
    );
  });

  it('names the missing and the unknown features and the line', () => {
    const rest = Object.fromEntries(
      Object.entries(features(1)).filter(
        ([name]) => !['log_karma', 'quizzes_taken'].includes(name),
      ),
    );

    expect(() => featureVectorOf({ ...rest, karma: 12 }, 'd line 3')).toThrow(
      new CliUsageError(
        `d line 3: features: must name exactly the models' ${FEATURE_COUNT} features: missing log_karma, quizzes_taken; unknown karma`,
      ),
    );
  });
});

describe('reading the logs for train --from-log', () => {
  let dir: string;
  let files = 0;

  async function log(...lines: object[]): Promise<string> {
    const path = join(dir, `log-${files++}.ndjson`);
    await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'from-log-logs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the features of the decisions that delivered, and every delivered slot', async () => {
    const text = [
      decision('d1', 'ana', '2025-06-01', [{ type: 'quiz', slot: 1, propensity: 0.9 }], 1),
      decision('d2', 'cy', '2025-06-02', [], 2),
      decision(
        'd3',
        'ana',
        '2025-06-03',
        [
          { type: 'comeback', slot: 1, propensity: 1 },
          { type: 'resume', slot: 2, propensity: 0.5 },
        ],
        3,
      ),
    ]
      .map((line) => `${JSON.stringify(line)}\r\n`)
      .join('');
    const crlf = join(dir, 'decisions.ndjson');
    await writeFile(crlf, text);

    const sut = await readDeliveredNudges(crlf);

    expect(sut.table.decisions).toBe(3);
    expect(Array.from(sut.features)).toEqual([
      ...FEATURE_NAMES.map((_, i) => 100 + i),
      ...FEATURE_NAMES.map((_, i) => 300 + i),
    ]);
    expect(sut.decisionDay).toEqual([day('2025-06-01'), day('2025-06-03')]);
    expect(sut.decisionLearner).toEqual([0, 0]);
    expect(sut.nudgeDecision).toEqual([0, 1, 1]);
    expect(sut.nudgeType.map((t) => NUDGE_TYPES[t])).toEqual(['quiz', 'comeback', 'resume']);
    expect(sut.nudgePropensity).toEqual([0.9, 1, 0.5]);
    expect(sut.provenance).toEqual({
      file: 'decisions.ndjson',
      sha256: createHash('sha256').update(text).digest('hex'),
      lines: 3,
    });
  });

  it('refuses an empty decisions log', async () => {
    const path = await log();

    await expect(readDeliveredNudges(path)).rejects.toThrow(`${path} has no decisions`);
  });

  it("keeps each learner's days per action, sorted, and checks an outcome's decision", async () => {
    const decisions = await readDeliveredNudges(
      await log(
        decision('d1', 'ana', '2025-06-01', [{ type: 'quiz', slot: 1, propensity: 1 }], 1),
        decision('d2', 'ben', '2025-06-01', [{ type: 'quiz', slot: 1, propensity: 1 }], 2),
      ),
    );
    const outcomes = [
      { user_id: 'ana', action: 'take_quiz', at: '2025-06-04' },
      // 23:30 at UTC−01:00 is 00:30 UTC on June 3.
      { user_id: 'ana', action: 'take_quiz', at: '2025-06-02T23:30:00-01:00', decision_id: 'd1' },
      { user_id: 'ben', action: 'attend_event', at: '2025-06-01' },
      // A learner without decisions followed none of them.
      { user_id: 'zoe', action: 'take_quiz', at: '2025-06-01' },
    ];

    const sut = await readLoggedOutcomes(await log(...outcomes), decisions.table);

    expect(sut.actionDays).toEqual({
      upload_resume: [[], []],
      add_project: [[], []],
      take_quiz: [[day('2025-06-03'), day('2025-06-04')], []],
      attend_event: [[], [day('2025-06-01')]],
    });
    expect(sut.provenance.lines).toBe(4);

    const stolen = await log({
      user_id: 'ben',
      action: 'take_quiz',
      at: '2025-06-01',
      decision_id: 'd1',
    });
    await expect(readLoggedOutcomes(stolen, decisions.table)).rejects.toThrow(
      `${stolen} line 1: decision_id: "d1" was made for user_id "ana"`,
    );
  });
});
