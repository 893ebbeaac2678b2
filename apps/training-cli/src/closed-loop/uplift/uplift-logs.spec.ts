import { LogFolder, loggedDecision, loggedOutcome } from '@app/contract/testing';
import { parseCalendarDate } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { oneFileLog } from '../../cli/log-file';
import { forEachLogLine, lineName, parseDecisionLine } from '@app/contract';
import { LogFiles } from '../../cli/log-file';
import { DecisionTable, forEachOutcome, loadLineDigest } from './uplift-logs';

const day = (date: string) => parseCalendarDate(date)!;

/** The decisions log as ope and train --from-log keep it. */
async function readDecisions(log: LogFiles): Promise<DecisionTable> {
  const table = new DecisionTable(log);
  await forEachLogLine(log.files, (text, at) => {
    const { record, day } = parseDecisionLine(text, lineName(at));
    table.add(record, day, text, at);
  });
  return table;
}

/** Each learner's action days, as the outcomes give them. */
async function readOutcomes(log: LogFiles, table: DecisionTable): Promise<number[][]> {
  const days = table.userIds.map((): number[] => []);
  await forEachOutcome(log, table, (learner, _action, at) => days[learner].push(at));
  return days.map((learnerDays) => learnerDays.sort((a, b) => a - b));
}

describe('reading the closed-loop logs into a DecisionTable', () => {
  beforeAll(loadLineDigest);

  let logs: LogFolder;
  const log = (...lines: object[]) => logs.log(...lines);
  const gzippedLog = (...lines: object[]) => logs.gzipped(...lines);

  /** A log kept in these files, read in this order. */
  const filesLog = (...paths: string[]) => ({ name: 'the log', files: paths });

  /** The same, read as a log. */
  const fileLog = async (...lines: object[]) => oneFileLog(await log(...lines));

  beforeAll(async () => {
    logs = await LogFolder.create();
  });

  afterAll(async () => {
    await logs.remove();
  });

  it('keeps each decision as learner and day, and each learner with its group', async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01', 'holdout'),
      loggedDecision('d2', 'ben', '2025-06-02', 'tone=warm', 'warmhash'),
      loggedDecision('d3', 'ana', '2025-06-03', 'holdout'),
    );

    const table = await readDecisions(oneFileLog(path));

    expect(table.decisions).toBe(3);
    expect(table.learnerOf).toEqual([0, 1, 0]);
    expect(table.dayOf).toEqual([day('2025-06-01'), day('2025-06-02'), day('2025-06-03')]);
    expect(table.userIds).toEqual(['ana', 'ben']);
    expect(table.groups).toEqual(['holdout', 'tone=warm']);
  });

  it('refuses a decision_id that appears twice, naming both lines', async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01'),
      loggedDecision('d2', 'ben', '2025-06-01'),
      loggedDecision('d1', 'cy', '2025-06-02'),
    );
    await expect(readDecisions(oneFileLog(path))).rejects.toThrow(
      new CliUsageError(`${path} line 3: decision_id: "d1" is already on line 1`),
    );
  });

  it('refuses a learner who changes group', async () => {
    const path = await log(
      loggedDecision('d1', 'ana', '2025-06-01', 'holdout'),
      loggedDecision('d2', 'ben', '2025-06-01'),
      loggedDecision('d3', 'ana', '2025-06-02'),
    );
    await expect(readDecisions(oneFileLog(path))).rejects.toThrow(
      new CliUsageError(
        `${path} line 3: assignment: user_id "ana" is in treated here but in holdout on line 1; a learner keeps one group for the whole log`,
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
      const table = await readDecisions(filesLog(first, second));
      expect(table.userIds).toEqual(['ana', 'ben']);
      expect(table.learnerOf).toEqual([0, 1, 0]);
      expect(table.lineOf(2)).toEqual({ file: second, line: 1 });

      const again = await gzippedLog(
        loggedDecision('d4', 'cy', '2025-06-02'),
        loggedDecision('d2', 'cy', '2025-06-03'),
      );
      await expect(readDecisions(filesLog(first, again))).rejects.toThrow(
        new CliUsageError(`${again} line 2: decision_id: "d2" is already on ${first} line 2`),
      );
      const moved = await log(loggedDecision('d5', 'ben', '2025-06-03', 'holdout'));
      await expect(readDecisions(filesLog(first, moved))).rejects.toThrow(
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

      const table = await readDecisions(filesLog(first, second));

      expect(table.decisions).toBe(3);
      expect(table.userIds).toEqual(['ana', 'ben', 'cy']);
      expect(table.lineOf(2)).toEqual({ file: second, line: 3 });
      expect(table.copies).toEqual({ lines: 2, first: { file: second, line: 1 } });
    });

    it('counts no copy in a log without one', async () => {
      const table = await readDecisions(await fileLog(loggedDecision('d1', 'ana', '2025-06-01')));
      expect(table.copies).toBeUndefined();
    });

    it('refuses a repeated decision_id whose line differs, if only by a space', async () => {
      const text = JSON.stringify(loggedDecision('d1', 'ana', '2025-06-01'));
      const path = await logs.file(`${text}\n${text.replace(',', ', ')}\n`);

      await expect(readDecisions(oneFileLog(path))).rejects.toThrow(
        new CliUsageError(`${path} line 2: decision_id: "d1" is already on line 1`),
      );
    });

    it("names the file of the decision an outcome wrongly follows, and of a bad outcome's line", async () => {
      const decisions = await log(loggedDecision('d1', 'ana', '2025-06-01'));
      const more = await gzippedLog(loggedDecision('d2', 'ben', '2025-06-01', 'holdout'));
      const table = await readDecisions(filesLog(decisions, more));
      const outcomes = await log(loggedOutcome('ana', '2025-06-02'));
      const stolen = await gzippedLog(
        loggedOutcome('ben', '2025-06-02'),
        loggedOutcome('ana', '2025-06-02', 'd2'),
      );

      await expect(readOutcomes(filesLog(outcomes, stolen), table)).rejects.toThrow(
        new CliUsageError(
          `${stolen} line 2: decision_id: "d2" was made for user_id "ben" (${more} line 1), not "ana"`,
        ),
      );
    });
  });

  describe('reading outcomes against it', () => {
    let decisionsPath: string;

    beforeAll(async () => {
      decisionsPath = await log(
        loggedDecision('d1', 'ana', '2025-06-01'),
        loggedDecision('d2', 'ben', '2025-06-01', 'holdout'),
      );
    });

    it("gives each learner's action days, sorted, and skips learners without decisions", async () => {
      const table = await readDecisions(oneFileLog(decisionsPath));
      const path = await log(
        loggedOutcome('ana', '2025-06-05T08:00:00Z', 'd1'),
        loggedOutcome('zoe', '2025-06-02'),
        loggedOutcome('ana', '2025-06-02'),
        loggedOutcome('ana', '2025-06-05'),
      );

      const sut = await readOutcomes(oneFileLog(path), table);

      expect(sut).toEqual([[day('2025-06-02'), day('2025-06-05'), day('2025-06-05')], []]);
    });

    it('refuses an outcome whose decision_id is not in the decisions log', async () => {
      const table = await readDecisions(oneFileLog(decisionsPath));
      const path = await log(
        loggedOutcome('ana', '2025-06-02'),
        loggedOutcome('ana', '2025-06-02', 'd9'),
      );

      await expect(readOutcomes(oneFileLog(path), table)).rejects.toThrow(
        new CliUsageError(`${path} line 2: decision_id: "d9" is not in ${decisionsPath}`),
      );
    });

    it('refuses an empty outcomes log, which would read as nobody acting', async () => {
      const table = await readDecisions(oneFileLog(decisionsPath));
      const path = await log();

      await expect(readOutcomes(oneFileLog(path), table)).rejects.toThrow(
        new CliUsageError(
          `${path} has no outcomes: an empty log would read as no learner ever acting; export the platform's actions for the decisions' days`,
        ),
      );
    });

    it('refuses outcomes that are all before the decisions or by other learners', async () => {
      const table = await readDecisions(oneFileLog(decisionsPath));
      const path = await log(
        loggedOutcome('ana', '2025-05-31'),
        loggedOutcome('zoe', '2025-06-02'),
      );

      await expect(readOutcomes(oneFileLog(path), table)).rejects.toThrow(
        new CliUsageError(
          `${path}: none of its 2 outcomes is by a learner of ${decisionsPath} on or after the first decision's day (2025-06-01): the two logs do not overlap`,
        ),
      );
    });

    it("refuses an outcome that follows another learner's decision", async () => {
      const table = await readDecisions(oneFileLog(decisionsPath));
      const path = await log(loggedOutcome('ana', '2025-06-02', 'd2'));

      await expect(readOutcomes(oneFileLog(path), table)).rejects.toThrow(
        new CliUsageError(
          `${path} line 1: decision_id: "d2" was made for user_id "ben" (${decisionsPath} line 2), not "ana"`,
        ),
      );
    });
  });
});
