import { EXAMPLE_ANALYSIS } from './examples';
import { BatchItemError } from '../answer/analysis';
import { batchResultInView, compactAnalysis, inView, parseView } from '../answer/view';

describe('the compact view', () => {
  it('keeps what a client shows and logs of each nudge, and nothing of the explanation', () => {
    expect(compactAnalysis(EXAMPLE_ANALYSIS)).toEqual({
      user_id: 'stu_7023',
      status: 'generated',
      as_of: '2025-06-30',
      locale: 'en',
      decision_id: '0197c1a2-5e00-7d1c-9a3e-2b4f6c8d0e1f',
      assignment: { holdout: false, bucket: 0.6919 },
      policy_version: EXAMPLE_ANALYSIS.policy_version,
      nudges: [
        {
          type: 'resume',
          title: "84% of your peers have uploaded a resume. You haven't yet!",
          action: 'Upload your resume',
          priority: 'high',
          rank: 1,
          propensity: 1,
          message_key: 'resume_peer_gap',
          params: { share: 0.84, pct: 84 },
        },
        {
          type: 'comeback',
          title: "It's been 16 days since your last event. There's one for every schedule.",
          action: 'Find an event to join this week',
          priority: 'high',
          rank: 2,
          propensity: 1,
          message_key: 'comeback',
          params: { days: 16, gap: '16 days' },
        },
        {
          type: 'quiz',
          title: "It's been 29 days since your last quiz. Keep your skills sharp!",
          action: 'Take a quiz today',
          priority: 'medium',
          rank: 3,
          propensity: 1,
          message_key: 'quiz_inactive',
          params: { days: 29, gap: '29 days' },
        },
      ],
      slate_propensity: 1,
    });
  });

  it('gives a held-out learner no would_have_sent', () => {
    const heldOut = {
      ...EXAMPLE_ANALYSIS,
      status: 'holdout' as const,
      assignment: { holdout: true, bucket: 0.01 },
      nudges: [],
      would_have_sent: EXAMPLE_ANALYSIS.nudges,
    };
    expect(compactAnalysis(heldOut)).toEqual({
      user_id: 'stu_7023',
      status: 'holdout',
      as_of: '2025-06-30',
      locale: 'en',
      decision_id: '0197c1a2-5e00-7d1c-9a3e-2b4f6c8d0e1f',
      assignment: { holdout: true, bucket: 0.01 },
      policy_version: EXAMPLE_ANALYSIS.policy_version,
      nudges: [],
      slate_propensity: 1,
    });
  });

  it('leaves the full view and a batch item error as they are', () => {
    const error: BatchItemError = {
      kind: 'error',
      index: 2,
      error: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'no' },
    };
    expect(inView(EXAMPLE_ANALYSIS, 'full')).toBe(EXAMPLE_ANALYSIS);
    expect(batchResultInView(error, 'compact')).toBe(error);
    expect(batchResultInView({ kind: 'analysis', ...EXAMPLE_ANALYSIS }, 'compact')).toEqual({
      kind: 'analysis',
      ...compactAnalysis(EXAMPLE_ANALYSIS),
    });
  });
});

describe('parseView', () => {
  it('reads full, compact, and nothing as full', () => {
    expect(parseView(undefined)).toBe('full');
    expect(parseView('full')).toBe('full');
    expect(parseView('compact')).toBe('compact');
  });

  it.each([['brief'], ['Compact'], [''], [['compact', 'full']], [{ compact: '' }]])(
    'names view for %j',
    (value) => {
      expect(parseView(value)).toEqual({
        path: 'view',
        message: 'view must be one of full, compact',
      });
    },
  );
});
