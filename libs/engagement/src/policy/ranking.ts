import { Priority } from '@app/learner';
import { NudgeDraft, TYPE_RANK } from '../candidates/nudge-draft';

const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 0, medium: 1, low: 2 };

/** Priority high > medium > low, then rule before ml, then score, then NUDGE_TYPES order. */
export function compareNudges(a: NudgeDraft, b: NudgeDraft): number {
  return compareWeighted(a, b, 1, 1);
}

/** As compareNudges, with each score weighted (the recency penalty). */
export function compareWeighted(
  a: NudgeDraft,
  b: NudgeDraft,
  weightA: number,
  weightB: number,
): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    (a.source === b.source ? 0 : a.source === 'rule' ? -1 : 1) ||
    b.score * weightB - a.score * weightA ||
    TYPE_RANK[a.type] - TYPE_RANK[b.type]
  );
}

/**
 * The uplift objective's order: drafts with a predicted uplift first, largest first, the
 * recency penalty taking its share off a positive uplift (and adding it to a negative one, so it
 * never favours a type sent recently); then as compareWeighted.
 */
export function compareUplift(
  a: NudgeDraft,
  b: NudgeDraft,
  weightA: number,
  weightB: number,
): number {
  if (a.uplift === undefined || b.uplift === undefined) {
    if (a.uplift !== b.uplift) return a.uplift === undefined ? 1 : -1;
    return compareWeighted(a, b, weightA, weightB);
  }
  return (
    penalised(b.uplift, weightB) - penalised(a.uplift, weightA) ||
    compareWeighted(a, b, weightA, weightB)
  );
}

const penalised = (uplift: number, weight: number): number =>
  uplift - (1 - weight) * Math.abs(uplift);
