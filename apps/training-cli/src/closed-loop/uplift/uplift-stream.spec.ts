import {
  EXAMPLE_CONFIG_HASH,
  LogFolder,
  loggedDecision,
  loggedOutcome,
} from '@app/contract/testing';
import { OUTCOME_ACTIONS } from '@app/contract/decision-log';
import { parseCalendarDate } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { oneFileLog } from '../../cli/log-file';
import { LogFiles } from '../../cli/log-file';
import { ONE_SHARD } from '../../cli/learner-partitions';
import { Shard } from '../../cli/shard-option';
import { ArmMoments } from './arm-moments';
import { tallyUplift } from './uplift-stream';
import { addTally, emptyTally, UpliftTally } from './uplift-tally';

const day = (date: string) => parseCalendarDate(date)!;

describe(tallyUplift.name, () => {
  let logs: LogFolder;
  const log = (...lines: object[]) => logs.log(...lines);
  const gzippedLog = (...lines: object[]) => logs.gzipped(...lines);

  /** A log kept in these files, read in this order. */
  const filesLog = (...paths: string[]): LogFiles => ({ name: 'the log', files: paths });

  /** The config knows every group but tone=hot; tone=warm has a hash of its own. */
  const configHashes = {
    holdout: EXAMPLE_CONFIG_HASH,
    treated: EXAMPLE_CONFIG_HASH,
    'tone=warm': 'warmhash',
  };

  /** The tally of these logs (a path is a log of one file), with a 7-day window by default. */
  function tally(
    decisions: string | LogFiles,
    outcomes: string | LogFiles,
    options: { windowDays?: number; preDays?: number; shard?: Shard } = {},
  ): Promise<UpliftTally> {
    const asLog = (value: string | LogFiles) =>
      typeof value === 'string' ? oneFileLog(value) : value;
    return tallyUplift(
      { decisions: asLog(decisions), outcomes: asLog(outcomes) },
      {
        windowDays: options.windowDays ?? 7,
        preDays: options.preDays,
        configHashes,
        shard: options.shard ?? ONE_SHARD,
        threads: 1,
      },
    );
  }

  /** A group's sums as the spec reads them: learners, decisions, acted, covariates. */
  const counts = (arm: ArmMoments | undefined) =>
    arm && {
      learners: arm.learners,
      decisions: arm.decisions,
      acted: arm.acted,
      covariates: arm.covariates,
      covariateSum: arm.covariateSum,
    };

  let anyOutcome: string;

  beforeAll(async () => {
    logs = await LogFolder.create();
    anyOutcome = await log(loggedOutcome('ana', '2025-06-20'));
  });

  afterAll(async () => {
    await logs.remove();
  });

  it('counts per group the decisions an action followed within the window', async () => {
    const decisions = await log(
      loggedDecision('d1', 'ana', '2025-06-01'),
      loggedDecision('d2', 'ana', '2025-06-08'),
      loggedDecision('d3', 'ben', '2025-06-01', 'holdout'),
      loggedDecision('d4', 'ana', '2025-06-20'),
    );
    // ana acts on 06-08, the last day of d1's window with 8 days but past it with 7, and the
    // first of d2's; ben acts the day before his decision.
    const outcomes = await log(
      loggedOutcome('ana', '2025-06-08'),
      loggedOutcome('ben', '2025-05-31'),
    );

    const week = await tally(decisions, outcomes);
    const eight = await tally(decisions, outcomes, { windowDays: 8 });

    // The log's first day, 05-31, starts the pre-period: one day before the first decisions, on
    // which ana did not act within the window (cut at 06-01) and ben did.
    expect(counts(week.groups.get('treated'))).toEqual({
      learners: 1,
      decisions: 3,
      acted: 1,
      covariates: 1,
      covariateSum: 0,
    });
    expect(counts(week.groups.get('holdout'))).toEqual({
      learners: 1,
      decisions: 1,
      acted: 0,
      covariates: 1,
      covariateSum: 1,
    });
    expect(counts(eight.groups.get('treated'))?.acted).toBe(2);
    expect(week.decisions).toBe(4);
    expect(week.decisionLines).toBe(4);
    expect(week.outcomeLines).toBe(2);
    // ana's action on 06-08 follows her first decision; ben's on 05-31 does not follow his.
    expect(week.following).toBe(1);
    expect(week.days.get('treated')).toEqual(
      new Map([
        [day('2025-06-01'), { decisions: 1, acted: 0 }],
        [day('2025-06-08'), { decisions: 1, acted: 1 }],
        [day('2025-06-20'), { decisions: 1, acted: 0 }],
      ]),
    );
  });

  it("measures each learner's pre-period up to their own first decision, --pre-days of it at most", async () => {
    const decisions = await log(
      loggedDecision('d1', 'ana', '2025-06-10'),
      loggedDecision('d2', 'ben', '2025-06-05', 'holdout'),
      loggedDecision('d3', 'cy', '2025-06-01', 'tone=warm', 'warmhash'),
    );
    // The log starts on 06-01 (cy's action, on his first decision's day: he has no pre-period).
    const outcomes = await log(
      loggedOutcome('cy', '2025-06-01'),
      loggedOutcome('ana', '2025-06-02'),
      loggedOutcome('ana', '2025-06-08'),
      loggedOutcome('ben', '2025-06-04'),
    );
    const covariate = (t: UpliftTally, group: string) => {
      const arm = t.groups.get(group)!;
      return arm.covariates === 0 ? null : arm.covariateSum;
    };

    // Window 1: ana acted on 2 of her 9 days 06-01 to 06-09, ben on 1 of his 4, 06-01 to 06-04.
    const all = await tally(decisions, outcomes, { windowDays: 1 });
    expect([
      covariate(all, 'treated'),
      covariate(all, 'holdout'),
      covariate(all, 'tone=warm'),
    ]).toEqual([2 / 9, 1 / 4, null]);
    // With 3 days: ana's 06-07 to 06-09, ben's 06-02 to 06-04.
    const three = await tally(decisions, outcomes, { windowDays: 1, preDays: 3 });
    expect([covariate(three, 'treated'), covariate(three, 'holdout')]).toEqual([1 / 3, 1 / 3]);
    // Window 7: ana's days 06-01 to 06-08 see an action (each window cut at 06-10), 06-09 not.
    expect(covariate(await tally(decisions, outcomes), 'treated')).toBe(8 / 9);
  });

  it("counts the decisions made under another config hash than their group's", async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01', 'holdout'),
      loggedDecision('d2', 'ben', '2025-06-02', 'tone=warm', EXAMPLE_CONFIG_HASH),
      loggedDecision('d3', 'cy', '2025-06-02', 'treated', 'oldhash'),
      loggedDecision('d4', 'dee', '2025-06-02', 'tone=hot', 'other'),
    );

    const sut = await tally(path, anyOutcome);

    // tone=hot is a group the config does not know: its hash is not compared.
    expect(sut.mismatch).toEqual({
      decisions: 2,
      first: { file: 0, line: 2 },
      hash: EXAMPLE_CONFIG_HASH,
      expected: 'warmhash',
    });
  });

  it('refuses a decision_id that appears twice, naming both lines, whoever the learners', async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01'),
      loggedDecision('d2', 'ben', '2025-06-01'),
      loggedDecision('d1', 'cy', '2025-06-02'),
    );
    await expect(tally(path, anyOutcome)).rejects.toThrow(
      new CliUsageError(`${path} line 3: decision_id: "d1" is already on line 1`),
    );
  });

  it('refuses a learner who changes group', async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01', 'holdout'),
      loggedDecision('d2', 'ben', '2025-06-01'),
      loggedDecision('d3', 'ana', '2025-06-02'),
    );
    await expect(tally(path, anyOutcome)).rejects.toThrow(
      new CliUsageError(
        `${path} line 3: assignment: user_id "ana" is in treated here but in holdout on line 1; a learner keeps one group for the whole log`,
      ),
    );
  });

  it('refuses a decisions log without decisions, and an outcomes log without outcomes', async () => {
    const empty = await log();
    const decisions = await log(loggedDecision('d1', 'ana', '2025-06-01'));
    await expect(tally(empty, anyOutcome)).rejects.toThrow(
      new CliUsageError(`${empty} has no decisions`),
    );
    await expect(tally(decisions, empty)).rejects.toThrow(
      new CliUsageError(
        `${empty} has no outcomes: an empty log would read as no learner ever acting; export the platform's actions for the decisions' days`,
      ),
    );
  });

  it("names the first bad line's problem", async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01'),
      loggedDecision('d2', 'ben', 'x'),
    );
    await expect(tally(path, anyOutcome)).rejects.toThrow(
      new CliUsageError(`${path} line 2: as_of: must be a YYYY-MM-DD date`),
    );
  });

  it('names a bad outcome by its file and line, in a log of several files', async () => {
    const decisions = await log(loggedDecision('d1', 'ana', '2025-06-01'));
    const first = await log(loggedOutcome('ana', '2025-06-02'));
    const second = await log(loggedOutcome('ana', '2025-06-03'), {
      ...loggedOutcome('ana', '2025-06-04'),
      action: 'jump',
    });
    await expect(tally(decisions, filesLog(first, second))).rejects.toThrow(
      `${second} line 2: action: must be one of ${OUTCOME_ACTIONS.join(', ')}`,
    );
  });

  it("refuses an outcome naming a decision that is not its learner's, or not in the log", async () => {
    const decisions = await log(
      loggedDecision('d1', 'ana', '2025-06-01'),
      loggedDecision('d2', 'ben', '2025-06-01', 'holdout'),
    );
    const stolen = await log(
      loggedOutcome('ana', '2025-06-02'),
      loggedOutcome('ana', '2025-06-02', 'd2'),
    );
    const unknown = await log(loggedOutcome('ana', '2025-06-02', 'd9'));

    await expect(tally(decisions, stolen)).rejects.toThrow(
      new CliUsageError(
        `${stolen} line 2: decision_id: "d2" is not a decision of user_id "ana" in ${decisions}`,
      ),
    );
    await expect(tally(decisions, unknown)).rejects.toThrow(
      new CliUsageError(
        `${unknown} line 1: decision_id: "d9" is not a decision of user_id "ana" in ${decisions}`,
      ),
    );
  });

  describe('a log in several files', () => {
    it('reads the files in turn, and names an earlier line by its file', async () => {
      const first = await log(
        loggedDecision('d1', 'ana', '2025-06-01'),
        loggedDecision('d2', 'ben', '2025-06-01'),
      );
      const second = await gzippedLog(loggedDecision('d3', 'ana', '2025-06-02'));
      const sut = await tally(filesLog(first, second), anyOutcome);
      expect(counts(sut.groups.get('treated'))).toMatchObject({ learners: 2, decisions: 3 });

      const again = await gzippedLog(
        loggedDecision('d4', 'cy', '2025-06-02'),
        loggedDecision('d2', 'cy', '2025-06-03'),
      );
      await expect(tally(filesLog(first, again), anyOutcome)).rejects.toThrow(
        new CliUsageError(`${again} line 2: decision_id: "d2" is already on ${first} line 2`),
      );
      const moved = await log(loggedDecision('d5', 'ben', '2025-06-03', 'holdout'));
      await expect(tally(filesLog(first, moved), anyOutcome)).rejects.toThrow(
        new CliUsageError(
          `${moved} line 1: assignment: user_id "ben" is in holdout here but in treated on ${first} line 2; a learner keeps one group for the whole log`,
        ),
      );
    });

    it('skips a line that repeats the first of its decision_id byte for byte, and counts it', async () => {
      const batch = [
        loggedDecision('d1', 'ana', '2025-06-01'),
        loggedDecision('d2', 'ben', '2025-06-01'),
      ];
      const first = await log(...batch);
      // The collector received the batch twice, then d3.
      const second = await gzippedLog(...batch, loggedDecision('d3', 'cy', '2025-06-02'));

      const sut = await tally(filesLog(first, second), anyOutcome);

      expect(sut.decisions).toBe(3);
      expect(sut.decisionLines).toBe(5);
      expect(sut.copies).toEqual({ lines: 2, first: { file: 1, line: 1 } });
      expect(counts(sut.groups.get('treated'))).toMatchObject({ learners: 3, decisions: 3 });
    });

    it('counts no copy in a log without one', async () => {
      const sut = await tally(await log(loggedDecision('d1', 'ana', '2025-06-01')), anyOutcome);
      expect(sut.copies).toBeUndefined();
    });

    it('refuses a repeated decision_id whose line differs, if only by a space', async () => {
      const text = JSON.stringify(loggedDecision('d1', 'ana', '2025-06-01'));
      const path = await logs.file(`${text}\n${text.replace(',', ', ')}\n`);

      await expect(tally(path, anyOutcome)).rejects.toThrow(
        new CliUsageError(`${path} line 2: decision_id: "d1" is already on line 1`),
      );
    });
  });

  describe('in shards', () => {
    it("gives each learner to one shard, and the shards' tallies add up to the whole log's", async () => {
      const lines = Array.from({ length: 60 }, (_, i) =>
        loggedDecision(
          `d${i}`,
          `learner-${i % 23}`,
          `2025-06-0${1 + (i % 7)}`,
          i % 23 < 5 ? 'holdout' : 'treated',
        ),
      );
      const decisions = await log(...lines, lines[4], lines[40]);
      const outcomes = await log(
        ...Array.from({ length: 30 }, (_, i) =>
          loggedOutcome(`learner-${(i * 7) % 23}`, `2025-06-0${1 + (i % 8)}`),
        ),
      );

      const whole = await tally(decisions, outcomes);
      const merged = emptyTally(whole.decisionLines, whole.outcomeLines);
      const shards = await Promise.all(
        [0, 1, 2].map((index) => tally(decisions, outcomes, { shard: { index, count: 3 } })),
      );
      for (const shard of shards) addTally(merged, shard);

      expect(shards.map((shard) => shard.decisions)).not.toContain(0);
      expect(merged.decisions).toBe(60);
      expect(merged.copies).toEqual({ lines: 2, first: { file: 0, line: 61 } });
      expect(merged.following).toBe(whole.following);
      for (const group of ['holdout', 'treated']) {
        const [a, b] = [merged.groups.get(group)!, whole.groups.get(group)!];
        for (const key of Object.keys(b) as (keyof ArmMoments)[]) {
          expect(a[key]).toBeCloseTo(b[key], 12);
        }
      }
      expect(merged.days).toEqual(whole.days);
    });
  });
});
