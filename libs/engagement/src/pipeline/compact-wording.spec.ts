import {
  compactAnalysis,
  EngagementAnalysis,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
} from '@app/contract';
import { validRequest as valid } from '@app/contract/testing';
import { analyzeLearner } from './analyze-learner';
import { buildEngineConfig } from '../config/engine-config.loader';
import { constantModels } from '../testing/model-fixtures';

const models = constantModels({ event_fomo: 0.9 });
const live = { config: buildEngineConfig({}), models };
const heldOut = { config: buildEngineConfig({ assignment: { holdout_percent: 50 } }), models };

/** The example learner with a history, renamed until the holdout takes them. */
function heldOutLearner(): object {
  for (let i = 0; ; i++) {
    const body = {
      ...EXAMPLE_HISTORY_REQUEST,
      user_data: { ...EXAMPLE_HISTORY_REQUEST.user_data, user_id: `held-${i}` },
    };
    if (analyzeLearner(valid(body), heldOut).assignment.holdout) return body;
  }
}
const HELD_OUT = heldOutLearner();

/** The example learners in each language, with and without a history that suppresses. */
const CASES: [string, object, typeof live][] = ['en', 'es', 'hi'].flatMap((locale) => [
  [`${locale}, no history`, { ...EXAMPLE_REQUEST, locale, decision_id: `c-${locale}` }, live],
  [`${locale}, a history`, { ...EXAMPLE_HISTORY_REQUEST, locale }, live],
  [`${locale}, held out`, { ...HELD_OUT, locale }, heldOut],
]);

describe('an answer worded for the compact view', () => {
  it.each(CASES)('%s: leaves out only what the view leaves out', (_name, body, state) => {
    const full = analyzeLearner(valid(body), state, undefined, 'full');
    const lean = analyzeLearner(valid(body), state, undefined, 'compact');
    const withoutWords = (analysis: EngagementAnalysis) => ({
      ...analysis,
      nudges: analysis.nudges.map((nudge) => ({ ...nudge, reasons: [], evidence: [] })),
      ...(analysis.would_have_sent === undefined
        ? {}
        : {
            would_have_sent: analysis.would_have_sent.map((nudge) => ({
              ...nudge,
              reasons: [],
              evidence: [],
            })),
          }),
      suppressed: [],
    });
    expect(lean).toEqual(withoutWords(full));
    expect(compactAnalysis(lean)).toEqual(compactAnalysis(full));
  });

  it('words reasons and suppressions in the full view, so the cases above test something', () => {
    const full = analyzeLearner(valid(EXAMPLE_HISTORY_REQUEST), live, undefined, 'full');
    expect(full.nudges.every((nudge) => nudge.reasons.length > 0)).toBe(true);
    expect(full.suppressed.map((s) => s.type)).toEqual(['resume', 'quiz']);
    const held = analyzeLearner(valid(HELD_OUT), heldOut, undefined, 'full');
    expect(held.status).toBe('holdout');
    expect(held.would_have_sent?.every((nudge) => nudge.reasons.length > 0)).toBe(true);
    expect(held.suppressed.length).toBeGreaterThan(0);
  });
});
