import {
  calibration,
  quantileBins,
  ScoredRows,
  upliftCalibration,
  weightedMean,
} from './retrain-calibration';

const scoredRows = (predicted: number[], labels: number[], weights: number[]): ScoredRows => ({
  predicted: Float64Array.from(predicted),
  labels: Uint8Array.from(labels),
  weights: Float64Array.from(weights),
});

describe(quantileBins.name, () => {
  it('deals the rows, ordered by value then index, into bins of ⌊b·n/bins⌋ boundaries', () => {
    const sut = quantileBins([0.3, 0.1, 0.2, 0.1, 0.9, 0.5, 0.4], 5);

    // 7 rows: boundaries 0, 1, 2, 4, 5, 7.
    expect(sut.map((bin) => Array.from(bin))).toEqual([[1], [3], [2, 0], [6], [5, 4]]);
  });

  it('drops the bins fewer rows than bins leave empty', () => {
    expect(quantileBins([0.5, 0.25], 5).map((bin) => Array.from(bin))).toEqual([[1], [0]]);
  });
});

describe(weightedMean.name, () => {
  it('weighs each value, over the given rows or all of them', () => {
    expect(weightedMean([1, 0, 0.5], [1, 2, 4])).toBe(3 / 7);
    expect(weightedMean([1, 0, 0.5], [1, 2, 4], [0, 2])).toBe(0.6);
    expect(weightedMean([1], [1], [])).toBeNaN();
  });
});

describe(calibration.name, () => {
  it('sets the weighted mean prediction beside the weighted rate, per fifth and over all rows', () => {
    const sut = calibration(
      scoredRows(
        [0.75, 0.125, 0.5, 0.25, 0.875, 0.125, 0.25, 0.5, 0.75, 0.875],
        [1, 0, 0, 0, 1, 0, 1, 1, 0, 1],
        [1, 1, 3, 1, 1, 3, 1, 1, 3, 1],
      ),
    );

    expect(sut).toEqual({
      rows: 10,
      // Σ w·p = 7.75 and Σ w·y = 5 over Σ w = 16.
      predicted: 0.484375,
      observed: 0.3125,
      inTheLarge: 0.171875,
      bins: [
        { rows: 2, predicted: 0.125, observed: 0 },
        { rows: 2, predicted: 0.25, observed: 0.5 },
        // The negative row weighs 3: 1 of 4.
        { rows: 2, predicted: 0.5, observed: 0.25 },
        { rows: 2, predicted: 0.75, observed: 0.25 },
        { rows: 2, predicted: 0.875, observed: 1 },
      ],
    });
  });
});

describe(upliftCalibration.name, () => {
  it('bins both arms by predicted uplift and subtracts the weighted rates in each bin', () => {
    // Treated rows T0–T5, then control rows C6–C9.
    const treated = scoredRows(
      [-0.25, 0, 0.125, 0.25, 0.5, 0.5],
      [0, 0, 1, 1, 1, 0],
      [4, 2, 2, 2, 2, 2],
    );
    const control = scoredRows([-0.125, 0.125, 0.25, 0.5], [1, 0, 0, 0], [1, 3, 1, 1]);

    const sut = upliftCalibration(treated, control);

    // Ordered: T0 C6 | T1 T2 | C7 T3 | C8 T4 | T5 C9 (ties by row: treated first).
    expect(sut).toEqual([
      // (4·−0.25 + 1·−0.125) / 5; treated 0 of 4, control 1 of 1.
      { treatedRows: 1, controlRows: 1, predicted: -0.225, observed: -1 },
      { treatedRows: 2, controlRows: 0, predicted: 0.0625, observed: null },
      // (3·0.125 + 2·0.25) / 5.
      { treatedRows: 1, controlRows: 1, predicted: 0.175, observed: 1 },
      { treatedRows: 1, controlRows: 1, predicted: 1.25 / 3, observed: 1 },
      { treatedRows: 1, controlRows: 1, predicted: 0.5, observed: 0 },
    ]);
  });
});
