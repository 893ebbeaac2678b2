import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import {
  featureImportance,
  featureImportanceChart,
  featureImportanceCsv,
} from './feature-importance';

function weightsWith(values: Record<string, number>): Float64Array {
  const weights = new Float64Array(FEATURE_COUNT);
  for (const [name, value] of Object.entries(values)) {
    weights[FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])] = value;
  }
  return weights;
}

describe(featureImportance.name, () => {
  it('ranks features by the size of their standardised coefficient, sign kept', () => {
    const std = new Float64Array(FEATURE_COUNT).fill(1);
    std[FEATURE_NAMES.indexOf('log_karma')] = 4;
    const weights = weightsWith({ resume_uploaded: -1, log_karma: 0.5, projects_added: 1.5 });

    const sut = featureImportance(weights, std);

    expect(sut.slice(0, 3)).toEqual([
      { feature: 'log_karma', label: 'karma', standardised: 2, raw: 0.5 },
      { feature: 'projects_added', label: 'projects added', standardised: 1.5, raw: 1.5 },
      { feature: 'resume_uploaded', label: 'resume on profile', standardised: -1, raw: -1 },
    ]);
    expect(sut).toHaveLength(FEATURE_COUNT);
  });
});

describe(featureImportanceCsv.name, () => {
  it('writes one ranked line per feature under a header', () => {
    const sut = featureImportanceCsv([
      { feature: 'log_karma', label: 'karma', standardised: 2, raw: 0.5 },
      { feature: 'resume_uploaded', label: 'resume on profile', standardised: -1, raw: -1 },
    ]);
    expect(sut).toBe(
      'rank,feature,label,standardised_coefficient,raw_weight\n' +
        '1,log_karma,"karma",2.000000,0.500000\n' +
        '2,resume_uploaded,"resume on profile",-1.000000,-1.000000\n',
    );
  });
});

describe(featureImportanceChart.name, () => {
  it('is a titled bar chart with both axes labelled, bars in ranking order', () => {
    const sut = featureImportanceChart(
      'quiz',
      'takes a quiz',
      [
        { feature: 'quizzes_taken', label: 'quizzes taken', standardised: 0.7, raw: 0.3 },
        { feature: 'log_karma', label: 'karma', standardised: -0.2, raw: -0.1 },
      ],
      0.8512,
    ) as {
      title: { text: string; subtitle: string };
      mark: { type: string };
      data: { values: unknown[] };
      encoding: { x: { title: string }; y: { title: string; sort: null } };
    };

    expect(sut.title.text).toBe('Feature importance: quiz model');
    expect(sut.title.subtitle).toBe(
      'Log-odds that the learner takes a quiz when nudged; test ROC AUC 0.851',
    );
    expect(sut.mark.type).toBe('bar');
    expect(sut.encoding.x.title).toBe(
      'Standardised coefficient (change in log-odds per standard deviation)',
    );
    expect(sut.encoding.y.title).toBe('Feature');
    expect(sut.encoding.y.sort).toBeNull();
    expect(sut.data.values).toEqual([
      { feature: 'quizzes taken', coefficient: 0.7, effect: 'raises the chance' },
      { feature: 'karma', coefficient: -0.2, effect: 'lowers the chance' },
    ]);
  });
});
