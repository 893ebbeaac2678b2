import { NUDGE_ACTIONS } from '@app/contract';
import { NUDGE_TYPES, NudgeType, round2 } from '@app/learner';
import { Phrase } from '@app/messages';
import { ModelSet, UpliftPrediction } from '@app/ml/inference';
import { EngineConfig } from '../config/engine-config';
import { NudgeDraft } from './nudge-draft';

const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

/** The catalog key of the reason that says a nudge's predicted uplift. */
export const UPLIFT_REASON = 'reason.uplift';

/** Evidence rule names built once. */
const UPLIFT_RULES = Object.fromEntries(
  NUDGE_TYPES.map((type) => [type, `uplift_${type}`]),
) as Record<NudgeType, string>;

/**
 * The reason an uplift prediction gives, in plain words: by how many points the nudge is
 * expected to raise (or lower) the chance of its action within the models' outcome window, and
 * the two chances it is the difference of.
 */
export function upliftReason(type: NudgeType, prediction: UpliftPrediction, days: number): Phrase {
  return {
    key: UPLIFT_REASON,
    params: {
      direction: prediction.uplift < 0 ? 'down' : 'up',
      action: NUDGE_ACTIONS[type],
      days,
      points: Math.round(Math.abs(prediction.uplift) * 1000) / 10,
      treated: round2(prediction.treated),
      control: round2(prediction.control),
    },
  };
}

/** A draft as the uplift objective ranks it: its predicted uplift, said first among its reasons. */
function withPrediction(
  draft: NudgeDraft,
  prediction: UpliftPrediction,
  days: number,
  minUplift: number,
): NudgeDraft {
  return {
    ...draft,
    uplift: prediction.uplift,
    reasons: [upliftReason(draft.type, prediction, days), ...draft.reasons],
    evidence: [
      ...draft.evidence,
      {
        rule: UPLIFT_RULES[draft.type],
        inputs: {
          treated: round4(prediction.treated),
          control: round4(prediction.control),
          uplift: round4(prediction.uplift),
        },
        threshold: minUplift,
      },
    ],
  };
}

/**
 * The uplift objective's drafts: the rule drafts, each with its predicted uplift. The rules
 * decide what may be said, the models in what order and whether: the delivery policy withholds
 * a nudge whose uplift is below `policy.min_uplift` (chooseNudges, once drafts asking for the same
 * action have merged), and a type the set has no model for keeps its draft without a prediction,
 * ranked after the predicted ones. No model-only nudge is added: a type no rule drafts was seldom
 * a candidate of the policy whose logs trained the set, so its uplift there would be an
 * extrapolation that off-policy evaluation of those logs cannot check.
 */
export function upliftDrafts(
  ruleDrafts: readonly NudgeDraft[],
  features: Float64Array,
  models: ModelSet,
  config: EngineConfig,
): NudgeDraft[] {
  const days = models.rewardDays ?? 1;
  const minUplift = config.policy.min_uplift;
  return ruleDrafts.map((draft) => {
    const prediction = models.uplift(draft.type, features);
    return prediction === undefined ? draft : withPrediction(draft, prediction, days, minUplift);
  });
}
