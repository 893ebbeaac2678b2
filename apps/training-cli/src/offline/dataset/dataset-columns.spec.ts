import { FEATURE_NAMES } from '@app/ml';
import { DATASET_COLUMNS, formatDatasetRow, testMask } from './dataset-columns';

describe('DATASET_COLUMNS', () => {
  it('holds the id, the features in contract order, p_true and labels per type, and the split', () => {
    expect(DATASET_COLUMNS).toEqual([
      'user_id',
      ...FEATURE_NAMES,
      'p_true_resume',
      'p_true_project',
      'p_true_quiz',
      'p_true_event_fomo',
      'p_true_comeback',
      'should_nudge_resume',
      'should_nudge_project',
      'should_nudge_quiz',
      'should_nudge_event_fomo',
      'should_nudge_comeback',
      'split',
    ]);
  });
});

describe(formatDatasetRow.name, () => {
  it('prints features in round-trip form and probabilities with six decimals', () => {
    const features = new Float64Array(FEATURE_NAMES.length);
    features[0] = 1;
    features[1] = Math.log1p(190);
    const sut = formatDatasetRow({
      userId: 'stu_0001',
      features,
      pTrue: Float64Array.of(0.25, 1 / 3, 0, 1, 0.5),
      labels: Uint8Array.of(1, 0, 0, 1, 0),
      split: 'test',
    });
    const cells = sut.split(',');
    expect(cells.slice(0, 3)).toEqual(['stu_0001', '1', '5.25227342804663']);
    expect(Number(cells[2])).toBe(Math.log1p(190));
    expect(cells.slice(-11)).toEqual([
      '0.250000',
      '0.333333',
      '0.000000',
      '1.000000',
      '0.500000',
      '1',
      '0',
      '0',
      '1',
      '0',
      'test',
    ]);
  });
});

describe(testMask.name, () => {
  it('marks exactly the first 20% of the permutation as test', () => {
    const sut = testMask(10, Uint32Array.of(7, 2, 9, 0, 1, 3, 4, 5, 6, 8));
    expect(Array.from(sut)).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
  });
});
