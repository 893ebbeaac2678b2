import { Random } from '../../cli/random';
import { CrossFittedRewardModel, RewardRow } from './reward-model';
import { cellOf } from './slate-weights';

/** 400 learners, one decision each: outcome 0.1 + 0.3·[quiz first] + 0.05·x, exactly. */
function rows(): RewardRow[] {
  const random = new Random(3);
  return Array.from({ length: 400 }, (_, learner) => {
    const x = random.normal();
    const quiz = learner % 2 === 0;
    return {
      learner,
      features: Float64Array.of(x, 7),
      cells: [cellOf(0, quiz ? 'quiz' : 'resume')],
      reward: 0.1 + (quiz ? 0.3 : 0) + 0.05 * x,
    };
  });
}

const cells = (...entries: [number, number][]) => new Map(entries);

describe(CrossFittedRewardModel.name, () => {
  it("recovers a linear outcome in the features and the slate's cells", () => {
    const data = rows();
    const sut = CrossFittedRewardModel.fit(data, data.length, 5, 1);
    const x = Float64Array.of(1, 7);
    expect(sut.predict(0, x, cells([cellOf(0, 'quiz'), 1]))).toBeCloseTo(0.45, 2);
    expect(sut.predict(0, x, cells([cellOf(0, 'resume'), 1]))).toBeCloseTo(0.15, 2);
  });

  it('is linear in the cell probabilities: a policy gets the mix of its slates', () => {
    const data = rows();
    const sut = CrossFittedRewardModel.fit(data, data.length, 5, 1);
    const x = Float64Array.of(0.5, 7);
    const quiz = sut.predict(3, x, cells([cellOf(0, 'quiz'), 1]));
    const resume = sut.predict(3, x, cells([cellOf(0, 'resume'), 1]));
    const mix = sut.predict(3, x, cells([cellOf(0, 'quiz'), 0.25], [cellOf(0, 'resume'), 0.75]));
    expect(mix).toBeCloseTo(0.25 * quiz + 0.75 * resume, 12);
    // An empty slot is the reference: it adds nothing.
    const nothing = sut.predict(3, x, cells([cellOf(0, undefined), 1]));
    expect(nothing).toBeCloseTo(sut.predict(3, x, cells()), 12);
  });

  it('predicts each learner from the other folds only: its own outcome never counts', () => {
    const data = rows();
    const changed = data.map((row) => (row.learner === 10 ? { ...row, reward: 100 } : row));
    const before = CrossFittedRewardModel.fit(data, data.length, 4, 2);
    const after = CrossFittedRewardModel.fit(changed, data.length, 4, 2);
    const at = (model: CrossFittedRewardModel, learner: number) =>
      model.predict(learner, data[learner].features, cells([data[learner].cells[0], 1]));
    expect(at(after, 10)).toBe(at(before, 10));
    // Learners of other folds do see it.
    const moved = data.filter((row) => at(after, row.learner) !== at(before, row.learner));
    expect(moved.length).toBeGreaterThan(250);
    expect(moved.length).toBeLessThan(400);
  });
});
