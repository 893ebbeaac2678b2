import type { BatchResult, EngagementAnalysis } from './analysis';
import type { Nudge } from './nudge';
import { fieldError, FieldError } from '../problem/field-error';

/**
 * How much of an answer a client gets: `full` (the default) explains every nudge (reasons,
 * evidence, the candidates, what was suppressed, the FOMO score); `compact` keeps what a client
 * needs to show and log the nudges, for those who do not show the explanation.
 */
export const ANALYSIS_VIEWS = ['full', 'compact'] as const;
export type AnalysisView = (typeof ANALYSIS_VIEWS)[number];

/** What a nudge of the compact view keeps: what to show, and its slot and propensity. */
export const COMPACT_NUDGE_KEYS = [
  'type',
  'title',
  'action',
  'priority',
  'rank',
  'propensity',
  'message_key',
  'params',
] as const;
export type CompactNudge = Pick<Nudge, (typeof COMPACT_NUDGE_KEYS)[number]>;

/** What the compact view keeps of an answer besides its nudges. */
export const COMPACT_ANALYSIS_KEYS = [
  'user_id',
  'status',
  'as_of',
  'locale',
  'decision_id',
  'assignment',
  'policy_version',
  'slate_propensity',
] as const;

/**
 * An answer in the compact view: no reasons, evidence, candidates, suppressed nudges, FOMO score
 * or `would_have_sent`. The service's own decision log keeps what off-policy evaluation needs
 * whichever view the client asked for.
 */
export interface CompactAnalysis extends Pick<
  EngagementAnalysis,
  (typeof COMPACT_ANALYSIS_KEYS)[number]
> {
  readonly nudges: readonly CompactNudge[];
}

function compactNudge(nudge: Nudge): CompactNudge {
  return {
    type: nudge.type,
    title: nudge.title,
    action: nudge.action,
    priority: nudge.priority,
    rank: nudge.rank,
    propensity: nudge.propensity,
    message_key: nudge.message_key,
    params: nudge.params,
  };
}

/**
 * The compact view of an answer, built as a literal of a fixed shape (the keys above, the
 * nudges before slate_propensity as in the full view).
 */
export function compactAnalysis(analysis: EngagementAnalysis): CompactAnalysis {
  return {
    user_id: analysis.user_id,
    status: analysis.status,
    as_of: analysis.as_of,
    locale: analysis.locale,
    decision_id: analysis.decision_id,
    assignment: analysis.assignment,
    policy_version: analysis.policy_version,
    nudges: analysis.nudges.map(compactNudge),
    slate_propensity: analysis.slate_propensity,
  };
}

/** An answer in `view`. */
export function inView(
  analysis: EngagementAnalysis,
  view: AnalysisView,
): EngagementAnalysis | CompactAnalysis {
  return view === 'full' ? analysis : compactAnalysis(analysis);
}

/** A batch entry in `view`: an item's error is the same in both. */
export function batchResultInView(
  result: BatchResult,
  view: AnalysisView,
): BatchResult | ({ readonly kind: 'analysis' } & CompactAnalysis) {
  if (view === 'full' || result.kind === 'error') return result;
  return { kind: 'analysis', ...compactAnalysis(result) };
}

/**
 * The `view` query parameter: absent means `full`; a value other than `full` or `compact`
 * (or the parameter given twice) is a field error naming `view`.
 */
export function parseView(value: unknown): AnalysisView | FieldError {
  if (value === undefined) return 'full';
  if (typeof value === 'string' && (ANALYSIS_VIEWS as readonly string[]).includes(value)) {
    return value as AnalysisView;
  }
  return fieldError('view', `must be one of ${ANALYSIS_VIEWS.join(', ')}`);
}
