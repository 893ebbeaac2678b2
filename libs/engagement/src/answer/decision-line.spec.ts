import {
  EXAMPLE_ANALYSIS,
  EXAMPLE_REQUEST,
  EngagementAnalysis,
  validateAnalyzeRequest,
  ValidRequest,
} from '@app/contract';
import { parseCalendarDate } from '@app/learner';
import { FEATURE_NAMES, featureVector } from '@app/ml';
import { decisionLineOf } from './decision-line';

function validExample(): ValidRequest {
  const valid = validateAnalyzeRequest(EXAMPLE_REQUEST, parseCalendarDate('2025-07-01')!);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

/** The example answer held out: nothing delivered, what would have been sent said. */
const HELD_OUT: EngagementAnalysis = {
  ...EXAMPLE_ANALYSIS,
  status: 'holdout',
  assignment: { holdout: true, bucket: 0.0412 },
  nudges: [],
  would_have_sent: EXAMPLE_ANALYSIS.nudges,
};

describe(decisionLineOf.name, () => {
  it('writes the decision, its features by name and, under full, the request with the decision id', () => {
    const valid = validExample();
    const features = featureVector(valid.request, valid.asOf);

    const line = decisionLineOf(valid, EXAMPLE_ANALYSIS, 'full', features);

    const named = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, features[i]]));
    expect(line).toBe(
      `${JSON.stringify({
        decision_id: EXAMPLE_ANALYSIS.decision_id,
        user_id: 'stu_7023',
        as_of: '2025-06-30',
        assignment: { holdout: false, bucket: 0.6919 },
        policy_version: EXAMPLE_ANALYSIS.policy_version,
        features: named,
        candidates: EXAMPLE_ANALYSIS.candidates,
        delivered: EXAMPLE_ANALYSIS.nudges.map(({ type, rank, propensity }) => ({
          type,
          slot: rank,
          propensity,
        })),
        slate_propensity: EXAMPLE_ANALYSIS.slate_propensity,
        request: { ...valid.request, decision_id: EXAMPLE_ANALYSIS.decision_id },
      })}\n`,
    );
  });

  it('writes what a held-out learner would have been sent, and no request under features', () => {
    const valid = validExample();

    const line = decisionLineOf(valid, HELD_OUT, 'features');

    expect(line.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(line))).toEqual([
      'decision_id',
      'user_id',
      'as_of',
      'assignment',
      'policy_version',
      'features',
      'candidates',
      'delivered',
      'would_have_sent',
      'slate_propensity',
    ]);
    expect(JSON.parse(line)).toMatchObject({
      delivered: [],
      would_have_sent: EXAMPLE_ANALYSIS.nudges.map(({ type, rank }) => ({ type, slot: rank })),
    });
  });

  it('writes the features it is given as those it would derive, and none under none', () => {
    const valid = validExample();
    const features = featureVector(valid.request, valid.asOf);

    for (const keep of ['full', 'features'] as const) {
      expect(decisionLineOf(valid, EXAMPLE_ANALYSIS, keep, features)).toBe(
        decisionLineOf(valid, EXAMPLE_ANALYSIS, keep),
      );
    }
    expect(JSON.parse(decisionLineOf(valid, EXAMPLE_ANALYSIS, 'none', features))).toMatchObject({
      features: {},
    });
    expect('request' in JSON.parse(decisionLineOf(valid, EXAMPLE_ANALYSIS, 'none'))).toBe(false);
  });

  it('writes a held-out line as JSON.stringify writes the record, escapes and all', () => {
    const valid = validExample();
    const features = featureVector(valid.request, valid.asOf);
    const analysis: EngagementAnalysis = {
      ...HELD_OUT,
      user_id: 'stu "é"\n\u2028😀',
    };

    const line = decisionLineOf(valid, analysis, 'features', features);

    expect(line).toBe(
      `${JSON.stringify({
        decision_id: analysis.decision_id,
        user_id: analysis.user_id,
        as_of: analysis.as_of,
        assignment: analysis.assignment,
        policy_version: analysis.policy_version,
        features: Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, features[i]])),
        candidates: analysis.candidates,
        delivered: [],
        would_have_sent: EXAMPLE_ANALYSIS.nudges.map(({ type, rank }) => ({ type, slot: rank })),
        slate_propensity: analysis.slate_propensity,
      })}\n`,
    );
  });
});
