import { NUDGE_ACTIONS, OutcomeAction } from '@app/contract';
import { NudgeType } from '@app/learner';
import { FEATURE_COUNT, ModelManifest, ModelSet } from '@app/ml';

/** Models that ignore the features: each type answers its fixed probability. */
export function constantModels(probabilities: Partial<Record<NudgeType, number>>): ModelSet {
  const manifest = {
    version: 'v-test',
    scaling: { mean: new Array<number>(FEATURE_COUNT).fill(0) },
  } as unknown as ModelManifest;
  return new ModelSet(
    manifest,
    (Object.entries(probabilities) as [NudgeType, number][]).map(([type, p]) => ({
      type,
      weights: new Float64Array(FEATURE_COUNT),
      bias: Math.log(p / (1 - p)),
    })),
  );
}

/**
 * An uplift set that ignores the features: each type's treated model answers `treated[type]`,
 * and each action's control model `control[action]` (event_fomo and comeback share
 * attend_event's), so a type's predicted uplift is the difference.
 */
export function constantUpliftModels(
  treated: Partial<Record<NudgeType, number>>,
  control: Partial<Record<OutcomeAction, number>>,
  rewardDays = 1,
): ModelSet {
  const logit = (p: number): number => Math.log(p / (1 - p));
  const types = Object.keys(treated) as NudgeType[];
  const manifest = {
    version: 'uplift-test',
    objective: 'uplift',
    reward_days: rewardDays,
    scaling: { mean: new Array<number>(FEATURE_COUNT).fill(0) },
    models: Object.fromEntries(
      types.map((type) => [type, { path: '', control: NUDGE_ACTIONS[type] }]),
    ),
    controls: Object.fromEntries(Object.keys(control).map((action) => [action, { path: '' }])),
  } as unknown as ModelManifest;
  return new ModelSet(
    manifest,
    types.map((type) => ({
      type,
      weights: new Float64Array(FEATURE_COUNT),
      bias: logit(treated[type]!),
    })),
    (Object.entries(control) as [OutcomeAction, number][]).map(([action, p]) => ({
      action,
      weights: new Float64Array(FEATURE_COUNT),
      bias: logit(p),
    })),
  );
}
