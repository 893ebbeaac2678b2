import type { AssignmentResult } from '@app/contract/decision-log';

/*
 * A decision's group, apart from groups.ts (which reads the engine config): the threads that read
 * the logs need this alone, not the engine.
 */

export const HOLDOUT = 'holdout';
/** All learners not held out; as a group, those of them in no experiment. */
export const TREATED = 'treated';

/**
 * The group a decision's learner was assigned to: `holdout`, `<experiment>=<variant>`, or
 * `treated` for a learner nudged outside any experiment.
 */
export function groupOf(assignment: AssignmentResult): string {
  if (assignment.holdout) return HOLDOUT;
  return assignment.experiment === undefined
    ? TREATED
    : `${assignment.experiment}=${assignment.variant}`;
}
