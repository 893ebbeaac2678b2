import { NudgeType } from '@app/learner';
import { explorationPropensity } from './exploration';

/**
 * How the delivery policy fills one answer's slots, as a distribution rather than one seeded
 * draw, so that a log made under one policy can be reweighted to another (off-policy
 * evaluation). Slot by slot, the policy takes the best nudge left with probability 1 − ε, and
 * otherwise draws uniformly from the m nudges left and stopping: each gets ε/(m + 1).
 */
export interface SlatePolicy {
  /** Every nudge the slots are drawn from, best first. */
  readonly ranked: readonly NudgeType[];
  /** The open slots: `max_nudges` within the 7-day cap's room; 0 sends nothing. */
  readonly slots: number;
  readonly epsilon: number;
}

/** An answer's nudge types in slot order; empty when nothing is sent. */
export type Slate = readonly NudgeType[];

/**
 * The probability that the policy sends exactly `slate`, in this order, stopping after it. A
 * slate that ends before the slots or the nudges run out stopped on an exploring draw.
 */
export function slateProbability(policy: SlatePolicy, slate: Slate): number {
  const { slots, epsilon } = policy;
  if (slate.length > slots) return 0;
  const left = [...policy.ranked];
  let probability = 1;
  for (const type of slate) {
    const index = left.indexOf(type);
    if (index < 0) return 0;
    probability *= explorationPropensity(index, left.length + 1, epsilon);
    left.splice(index, 1);
  }
  const stoppedEarly = slate.length < slots && left.length > 0;
  return stoppedEarly
    ? probability * explorationPropensity(left.length, left.length + 1, epsilon)
    : probability;
}

/**
 * Every slate the policy sends with probability > 0, with that probability; the probabilities
 * add up to 1. At most 1 + 5·(1 + 4·(1 + 3)) = 86 slates for five types in three slots.
 */
export function forEachSlate(
  policy: SlatePolicy,
  visit: (slate: Slate, probability: number) => void,
): void {
  const { slots, epsilon } = policy;
  const walk = (slate: NudgeType[], left: readonly NudgeType[], probability: number): void => {
    if (slate.length === slots || left.length === 0) {
      visit([...slate], probability);
      return;
    }
    const options = left.length + 1;
    const stop = explorationPropensity(left.length, options, epsilon);
    if (stop > 0) visit([...slate], probability * stop);
    left.forEach((type, index) => {
      const pick = explorationPropensity(index, options, epsilon);
      if (pick === 0) return;
      slate.push(type);
      walk(slate, [...left.slice(0, index), ...left.slice(index + 1)], probability * pick);
      slate.pop();
    });
  };
  walk([], policy.ranked, 1);
}
