import { CupedLift, cupedLift } from './cuped';
import { ArmMoments } from './arm-moments';
import { absoluteLift, Lift, ratioEstimate } from './ratio';

/** An experiment as `uplift` needs it: its key and its variants' keys, in the config's order. */
export interface ExperimentKeys {
  readonly key: string;
  readonly variants: readonly { readonly key: string }[];
}

/** A variant's absolute lift over its experiment's control, plain and CUPED. */
export interface VariantLift {
  readonly experiment: string;
  readonly variant: string;
  readonly control: string;
  /** null when the variant or the control has fewer than 2 learners (a variance needs 2). */
  readonly absolute_lift: Lift | null;
  readonly cuped: CupedLift | null;
}

/** The name the config's variants are compared with, when an experiment has it. */
export const CONTROL = 'control';

/**
 * An experiment's control. The config has no field for it (policy.md: a variant is a key, a
 * weight and overrides), so the convention is GrowthBook's, whose assignment the engine uses: the
 * variant keyed `control` when there is one, else the first variant, GrowthBook's variation 0.
 */
export function controlOf(experiment: ExperimentKeys): string {
  return experiment.variants.some((variant) => variant.key === CONTROL)
    ? CONTROL
    : experiment.variants[0].key;
}

/**
 * Each variant with learners against its experiment's control (experiments and variants in the
 * config's order; experiments without learners left out): the two are randomised alike within
 * the experiment, so the difference of their rates is the variant's effect over the control's.
 */
export function variantLifts(
  groups: ReadonlyMap<string, ArmMoments>,
  experiments: readonly ExperimentKeys[],
): VariantLift[] {
  return experiments.flatMap((experiment) => {
    const control = controlOf(experiment);
    const controls = groups.get(`${experiment.key}=${control}`);
    return experiment.variants.flatMap(({ key }): VariantLift[] => {
      const members = groups.get(`${experiment.key}=${key}`);
      if (key === control || members === undefined) return [];
      const both = controls !== undefined && members.learners >= 2 && controls.learners >= 2;
      return [
        {
          experiment: experiment.key,
          variant: key,
          control,
          absolute_lift: both
            ? absoluteLift(ratioEstimate(members), ratioEstimate(controls))
            : null,
          cuped: both ? cupedLift(members, controls) : null,
        },
      ];
    });
  });
}
