import { CliUsageError } from '../../cli/cli-errors';
import { readPartialJson } from '../uplift/uplift-partial';
import { combineOpePartials, OpeRun, opePartialJson, readOpePartial } from './ope-partial';
import { BUCKET_COLUMNS, emptyCounts, OpeTally } from './ope-tally';
import { BUCKETS } from './reward-model';

const RUN: OpeRun = {
  settings: { clip: 100, rewardDays: 1, resamples: 200, folds: 2, seed: 1 },
  candidate: 'candidate.json (rules only)',
  baseline: 'the logging policy, logging.json (rules only)',
  decisions: { name: 'decisions.ndjson', files: ['decisions.ndjson'] },
  outcomes: { name: 'outcomes.ndjson', files: ['outcomes.ndjson'] },
};

/** A shard's tally: `decisions` decisions, one in bucket `bucket`, with sums that do not round. */
function tally(decisions: number, bucket: number): OpeTally {
  const counts = emptyCounts(2);
  Object.assign(counts, { decisions, learners: decisions, rewards: 1 / 3 });
  Object.assign(counts.weights, { sum: 0.1, squares: 0.2, largest: 0.7, clipped: 0 });
  counts.reward.gram[0] = decisions;
  counts.reward.moment[1] = Math.PI;
  const buckets = new Float64Array(BUCKETS * BUCKET_COLUMNS);
  buckets[bucket * BUCKET_COLUMNS] = decisions;
  buckets[bucket * BUCKET_COLUMNS + 1] = Math.E;
  return { ...counts, decisionLines: 10, outcomeLines: 4, buckets };
}

const read = (text: string, name: string) => readOpePartial(readPartialJson(text, name).json, name);

describe('ope partials', () => {
  it('read back to the tally written, every double exact', () => {
    const written = { shard: { index: 1, count: 2 }, run: RUN, tally: tally(3, 5) };

    const sut = read(opePartialJson(written), 'p1.json');

    expect(sut.shard).toEqual(written.shard);
    expect(sut.run).toEqual(RUN);
    expect(sut.tally).toEqual(written.tally);
  });

  it("combine into the shards' sums, in shard order", async () => {
    const parts = [1, 0].map((index) =>
      read(
        opePartialJson({ shard: { index, count: 2 }, run: RUN, tally: tally(index + 2, index) }),
        `p${index}.json`,
      ),
    );

    const { run, tally: sut } = await combineOpePartials(parts, ['p1.json', 'p0.json'], (i) =>
      Promise.resolve(parts[i]),
    );

    expect(run).toEqual(RUN);
    expect([sut.decisions, sut.learners, sut.rewards]).toEqual([5, 5, 2 / 3]);
    expect([sut.weights.sum, sut.weights.largest]).toEqual([0.2, 0.7]);
    expect([sut.reward.gram[0], sut.reward.moment[1]]).toEqual([5, 2 * Math.PI]);
    expect([sut.buckets[0], sut.buckets[BUCKET_COLUMNS], sut.buckets[1]]).toEqual([2, 3, Math.E]);
    // The whole log's line counts, as every shard read them all.
    expect([sut.decisionLines, sut.outcomeLines]).toEqual([10, 4]);
  });

  it('are refused from different runs, or cut short', async () => {
    const part = (index: number, run: OpeRun) =>
      read(
        opePartialJson({ shard: { index, count: 2 }, run, tally: tally(1, 0) }),
        `p${index}.json`,
      );
    const reseeded = { ...RUN, settings: { ...RUN.settings, seed: 2 } };

    const parts = [part(0, RUN), part(1, reseeded)];
    await expect(
      combineOpePartials(parts, ['p0.json', 'p1.json'], (i) => Promise.resolve(parts[i])),
    ).rejects.toThrow(
      new CliUsageError('p1.json: --seed 2, but p0.json has 1: the partials are of different runs'),
    );
    const text = opePartialJson({ shard: { index: 0, count: 1 }, run: RUN, tally: tally(1, 0) });
    const cut = text.replace(/"buckets":"[A-Za-z0-9+/]{8}/, '"buckets":"');
    expect(() => read(cut, 'p0.json')).toThrow(
      new CliUsageError(
        `p0.json: tally.buckets: not ${BUCKETS * BUCKET_COLUMNS} doubles: write the partial again`,
      ),
    );
  });
});
