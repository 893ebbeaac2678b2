import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { oneFileLog } from '../../cli/log-file';
import {
  featureVectorOf,
  NO_NUDGE,
  readLoggedDecisions,
  readLoggedOutcomes,
  shownPropensities,
} from './retrain-logs';

/** Feature i of a decision numbered `n` is n·100 + i, so every cell is recognisable. */
const features = (n: number) =>
  Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, n * 100 + i]));

function decision(
  id: string,
  user: string,
  asOf: string,
  delivered: object[],
  n: number,
  holdout = delivered.length === 0,
): object {
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

describe(shownPropensities.name, () => {
  it('multiplies the propensities of the slots up to each nudge, in any listed order', () => {
    const sut = shownPropensities([
      { type: 'quiz', slot: 3, propensity: 0.25 },
      { type: 'resume', slot: 1, propensity: 0.5 },
      { type: 'project', slot: 2, propensity: 0.75 },
    ]);

    expect(Array.from(sut)).toEqual([0.09375, 0.5, 0.375]);
  });

  it('is empty for a decision that delivered nothing', () => {
    expect(shownPropensities([])).toEqual(new Float64Array(0));
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

  it('keeps every decision (held out or not) and every delivered slot with its shown propensity', async () => {
    const text = [
      decision('d1', 'ana', '2025-06-01', [{ type: 'quiz', slot: 1, propensity: 0.9 }], 1),
      decision('d2', 'cy', '2025-06-02', [], 2),
      {
        ...decision(
          'd3',
          'ana',
          '2025-06-03',
          [
            { type: 'comeback', slot: 1, propensity: 0.8 },
            { type: 'resume', slot: 2, propensity: 0.5 },
          ],
          3,
        ),
        slate_propensity: 0.3,
      },
      // A served decision whose policy explored and sent nothing.
      { ...decision('d4', 'ana', '2025-06-04', [], 4, false), slate_propensity: 0.125 },
    ]
      .map((line) => `${JSON.stringify(line)}\r\n`)
      .join('');
    const crlf = join(dir, 'decisions.ndjson');
    await writeFile(crlf, text);

    const sut = await readLoggedDecisions(oneFileLog(crlf));

    expect(sut.table.decisions).toBe(4);
    expect(Array.from(sut.features)).toEqual(
      [1, 2, 3, 4].flatMap((n) => FEATURE_NAMES.map((_, i) => n * 100 + i)),
    );
    expect(Array.from(sut.day)).toEqual(
      ['2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04'].map(day),
    );
    expect(Array.from(sut.learner)).toEqual([0, 1, 0, 0]);
    expect(Array.from(sut.holdout)).toEqual([0, 1, 0, 0]);
    expect(Array.from(sut.deliveredNothing)).toEqual([0, 1, 0, 1]);
    expect(Array.from(sut.slotOneType)).toEqual([
      NUDGE_TYPES.indexOf('quiz'),
      NO_NUDGE,
      NUDGE_TYPES.indexOf('comeback'),
      NO_NUDGE,
    ]);
    expect(Array.from(sut.slotOnePropensity)).toEqual([0.9, NaN, 0.8, NaN]);
    expect(Array.from(sut.slatePropensity)).toEqual([NaN, NaN, 0.3, 0.125]);
    expect(Array.from(sut.nudgeDecision)).toEqual([0, 2, 2]);
    expect(Array.from(sut.nudgeType, (t) => NUDGE_TYPES[t])).toEqual([
      'quiz',
      'comeback',
      'resume',
    ]);
    // The slot-2 resume was shown after the comeback: 0.8 · 0.5.
    expect(Array.from(sut.nudgeShownPropensity)).toEqual([0.9, 0.8, 0.4]);
    expect(sut.provenance).toEqual([
      {
        file: 'decisions.ndjson',
        sha256: createHash('sha256').update(text).digest('hex'),
        lines: 4,
      },
    ]);
  });

  it('reads a log kept in several files, a copied line skipped, and records each file', async () => {
    const quiz = [{ type: 'quiz', slot: 1, propensity: 1 }];
    const first = await log(decision('d1', 'ana', '2025-06-01', quiz, 1));
    // The collector logged d1 again, byte for byte, before d2.
    const bytes = gzipSync(
      [decision('d1', 'ana', '2025-06-01', quiz, 1), decision('d2', 'ben', '2025-06-02', [], 2)]
        .map((line) => `${JSON.stringify(line)}\n`)
        .join(''),
    );
    const second = join(dir, 'decisions-2.ndjson.gz');
    await writeFile(second, bytes);

    const sut = await readLoggedDecisions({ name: 'the log', files: [first, second] });

    expect(Array.from(sut.learner)).toEqual([0, 1]);
    expect(Array.from(sut.holdout)).toEqual([0, 1]);
    expect(Array.from(sut.features)).toEqual(
      [1, 2].flatMap((n) => FEATURE_NAMES.map((_, i) => n * 100 + i)),
    );
    expect(Array.from(sut.nudgeDecision)).toEqual([0]);
    expect(sut.table.copies).toEqual({ lines: 1, first: { file: second, line: 1 } });
    expect(sut.provenance.map(({ file, lines }) => [file, lines])).toEqual([
      [basename(first), 1],
      ['decisions-2.ndjson.gz', 2],
    ]);
    // The bytes as stored, as sha256sum sees the compressed file.
    expect(sut.provenance[1].sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses an empty decisions log', async () => {
    const path = await log();

    await expect(readLoggedDecisions(oneFileLog(path))).rejects.toThrow(`${path} has no decisions`);
  });

  it("keeps each learner's days per action, sorted, and checks an outcome's decision", async () => {
    const decisions = await readLoggedDecisions(
      oneFileLog(
        await log(
          decision('d1', 'ana', '2025-06-01', [{ type: 'quiz', slot: 1, propensity: 1 }], 1),
          decision('d2', 'ben', '2025-06-01', [{ type: 'quiz', slot: 1, propensity: 1 }], 2),
        ),
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

    const sut = await readLoggedOutcomes(oneFileLog(await log(...outcomes)), decisions.table);

    expect(sut.actionDays).toEqual({
      upload_resume: [[], []],
      add_project: [[], []],
      take_quiz: [[day('2025-06-03'), day('2025-06-04')], []],
      attend_event: [[], [day('2025-06-01')]],
    });
    expect(sut.provenance.map((file) => file.lines)).toEqual([4]);

    const stolen = await log({
      user_id: 'ben',
      action: 'take_quiz',
      at: '2025-06-01',
      decision_id: 'd1',
    });
    await expect(readLoggedOutcomes(oneFileLog(stolen), decisions.table)).rejects.toThrow(
      `${stolen} line 1: decision_id: "d1" was made for user_id "ana"`,
    );
  });
});
