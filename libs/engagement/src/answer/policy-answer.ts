import { AssignmentResult, SuppressedNudge } from '@app/contract';
import { formatCalendarDate, utcMidnightOf } from '@app/learner';
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
  return {
    type: s.type,
    reason: s.reason,
    eligible_again_on: date,
    message: message(s, catalog),
  };
}

/** Points of a chance, one decimal: 0.042 reads "4.2". */
const points = (share: number): number => Math.round(share * 1000) / 10;

/**
 * A suppression's message. Its date goes to the catalog as a day (UTC midnight in milliseconds),
 * which the message formats in the reader's words (`{date, date, long}`), never as YYYY-MM-DD.
 */
function message(s: Suppression, catalog: LocaleCatalog): string {
  const date = s.eligibleAgainOn === null ? null : utcMidnightOf(s.eligibleAgainOn);
  switch (s.reason) {
    case 'cooldown':
      return catalog.format('suppressed.cooldown', {
        type: catalog.format(`type.${s.type}`, {}),
        date: date ?? 0,
      });
    case 'weekly_cap':
      return date === null
        ? catalog.format('suppressed.weekly_cap_none', {})
        : catalog.format('suppressed.weekly_cap', { date });
    case 'holdout':
      return catalog.format('suppressed.holdout', {});
    case 'no_uplift':
      return catalog.format('suppressed.no_uplift', {
        predicted: points(s.uplift?.predicted ?? 0),
        minimum: points(s.uplift?.minimum ?? 0),
      });
  }
}
