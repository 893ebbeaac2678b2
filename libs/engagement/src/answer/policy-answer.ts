import { AssignmentResult, SuppressedNudge } from '@app/contract';
import { formatCalendarDate } from '@app/learner';
import { LocaleCatalog } from '@app/messages';
import { Suppression } from '../policy/fatigue';

/** `<model set>/<config hash>`, and `/<experiment>=<variant>` for a learner in an experiment. */
export function policyVersion(
  modelVersion: string | null,
  configHash: string,
  assignment: AssignmentResult,
): string {
  const base = `${modelVersion ?? 'rules-only'}/${configHash}`;
  return assignment.experiment === undefined
    ? base
    : `${base}/${assignment.experiment}=${assignment.variant}`;
}

/** A suppression as the answer reports it, with its reason in the answer's language. */
export function renderSuppression(s: Suppression, catalog: LocaleCatalog): SuppressedNudge {
  const date = s.eligibleAgainOn === null ? null : formatCalendarDate(s.eligibleAgainOn);
  const message =
    s.reason === 'cooldown'
      ? catalog.format('suppressed.cooldown', {
          type: catalog.format(`type.${s.type}`, {}),
          date: date ?? '',
        })
      : s.reason === 'weekly_cap'
        ? date === null
          ? catalog.format('suppressed.weekly_cap_none', {})
          : catalog.format('suppressed.weekly_cap', { date })
        : catalog.format('suppressed.holdout', {});
  return { type: s.type, reason: s.reason, eligible_again_on: date, message };
}
