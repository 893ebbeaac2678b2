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
