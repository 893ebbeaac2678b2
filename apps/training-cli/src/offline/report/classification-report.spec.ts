import { ACTION_STORIES } from '../simulate/generative-story';
import { classificationMetrics } from '../model/metrics';
import { classificationReport, ModelReport, storyFormula } from './classification-report';

describe(storyFormula.name, () => {
  it('writes the log-odds with signed weights, the hidden traits last', () => {
    const sut = storyFormula({
      action: 'takes a quiz',
      intercept: -1.3,
      features: { quizzes_taken: 0.23, quiz_recency_months: -1.17 },
      latent: { motivation: 0.1, time_pressure: -0.15 },
    });
    expect(sut).toBe(
      '-1.3 + 0.23·quizzes_taken − 1.17·quiz_recency_months + 0.1·motivation − 0.15·time_pressure',
    );
  });
});

describe(classificationReport.name, () => {
  const model: ModelReport = {
    type: 'quiz',
    story: ACTION_STORIES.quiz,
    threshold: 0.5,
    test: classificationMetrics([0.9, 0.6, 0.4, 0.2, 0.5], [1, 0, 0, 1, 1], 0.5),
    testAuc: 0.8,
    oracleAuc: 0.85,
    cvAccuracy: { mean: 0.7, std: 0.01 },
    cvAuc: { mean: 0.81, std: 0.02 },
    train: { rows: 20, positives: 8 },
    testSplit: { rows: 5, positives: 3 },
  };
  const sut = classificationReport(
    {
      version: 'abc',
      seed: 42,
      users: 25,
      snapshots: 2,
      asOf: '2025-06-30',
      datasetSha256: 'ff',
      trainer: 'logistic regression',
      story: ['Line one of the story.'],
    },
    [model],
  );

  it('starts with the run and the generative story', () => {
    expect(sut.split('\n').slice(0, 9)).toEqual([
      'Engagement Insight Engine: classification report',
      '================================================',
      'model set abc; seed 42; 25 simulated learners in 2 peer snapshots; as_of 2025-06-30',
      'dataset sha256 ff',
      'models: logistic regression',
      '',
      'How the labels were made',
      '------------------------',
      'Line one of the story.',
    ]);
  });

  it("prints each model's class table, balance, threshold, AUCs and CV", () => {
    expect(sut).toContain(
      [
        '              precision    recall  f1-score   support',
        '',
        '           0      0.500     0.500     0.500         2',
        '           1      0.667     0.667     0.667         3',
        '',
        '    accuracy                          0.600         5',
        '   macro avg      0.583     0.583     0.583         5',
        'weighted avg      0.600     0.600     0.600         5',
      ].join('\n'),
    );
    expect(sut).toContain('label balance: train 40.0% positive (8 of 20), test 60.0% (3 of 5)');
    expect(sut).toContain('decision threshold: 0.50');
    expect(sut).toContain(
      'ROC AUC (test): 0.8000   oracle AUC (p_true): 0.8500   gap to oracle: 0.0500',
    );
    expect(sut).toContain(
      '5-fold CV on the train split: accuracy 0.700 ± 0.010, ROC AUC 0.810 ± 0.020',
    );
    expect(sut.endsWith('\n')).toBe(true);
  });
});
