import {
  formatNumber,
  LearnerSignals,
  NUDGE_TYPES,
  NudgeType,
  Priority,
  round2,
} from '@app/learner';
import { FEATURE_LABELS, ModelSet } from '@app/ml';
import { RuleCandidate } from '@app/rules';
import { EngineConfig } from '../config/engine-config';

export interface Nudge {
  readonly type: NudgeType;
  readonly title: string;
  readonly action: string;
  readonly priority: Priority;
  readonly source: 'rule' | 'ml';
  readonly score: number;
  readonly reasons: readonly string[];
}

const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 0, medium: 1, low: 2 };
const TYPE_RANK = Object.fromEntries(NUDGE_TYPES.map((type, i) => [type, i])) as Record<
  NudgeType,
  number
>;

/**
 * One nudge per type: the strongest candidate of a type sets its title, action and score (the
 * earlier rule wins a tie), and every candidate of the type adds its reasons.
 */
export function mergeRuleCandidates(
  candidates: readonly RuleCandidate[],
  config: EngineConfig,
): Nudge[] {
  // A handful of candidates: parallel arrays beat a Map on the hot path.
  const types: NudgeType[] = [];
  const strongest: RuleCandidate[] = [];
  const reasons: string[][] = [];
  for (const candidate of candidates) {
    const i = types.indexOf(candidate.type);
    if (i < 0) {
      types.push(candidate.type);
      strongest.push(candidate);
      reasons.push([...candidate.reasons]);
    } else {
      if (candidate.score > strongest[i].score) strongest[i] = candidate;
      reasons[i].push(...candidate.reasons);
    }
  }
  return types.map((type, i) => {
    const { message, params, score } = strongest[i];
    const template = config.messages[message];
    return {
      type,
      title: template.title(params),
      action: template.action(params),
      priority: config.priority_labels[type],
      source: 'rule',
      score: round2(score),
      reasons: reasons[i],
    };
  });
}

/**
 * Whether a model's nudge of this type makes sense for the learner: the models say who would
 * act on a nudge, and motivated, up-to-date learners would, so a model may only speak where the
 * learner has the gap the nudge is about. For recency it may speak early, from half-way to the
 * rule's threshold, never for someone fresh; someone up to date on everything gets nothing.
 */
export function mlNudgeApplies(type: NudgeType, s: LearnerSignals, config: EngineConfig): boolean {
  const { quiz_inactive_days, user_inactive_days } = config.rules.engagement_rules;
  const awayFromEvents =
    s.daysSinceLastEvent === null || s.daysSinceLastEvent > user_inactive_days / 2;
  switch (type) {
    case 'resume':
      return !s.resumeUploaded;
    case 'project':
      return s.projectsAdded < s.batchAvgProjects;
    case 'quiz':
      return s.daysSinceLastQuiz === null || s.daysSinceLastQuiz > quiz_inactive_days / 2;
    case 'event_fomo':
      return (
        awayFromEvents && (s.eventAttendance.length > 0 || s.buddiesAttendingEvents.length > 0)
      );
    case 'comeback':
      return s.daysSinceLastEvent !== null && awayFromEvents;
  }
}

/**
 * Up to `room` model nudges for types without a nudge yet, each with probability at or above the
 * threshold, highest probability first (ties in NUDGE_TYPES order).
 */
export function mlNudges(
  taken: ReadonlySet<NudgeType>,
  room: number,
  signals: LearnerSignals,
  features: Float64Array,
  models: ModelSet,
  config: EngineConfig,
): Nudge[] {
  if (room <= 0) return [];
  const threshold = config.ml.nudge_probability_threshold;
  const scored: { type: NudgeType; probability: number }[] = [];
  for (const type of NUDGE_TYPES) {
    if (taken.has(type) || !mlNudgeApplies(type, signals, config)) continue;
    const probability = models.probability(type, features);
    if (probability !== undefined && probability >= threshold) scored.push({ type, probability });
  }
  scored.sort((a, b) => b.probability - a.probability || TYPE_RANK[a.type] - TYPE_RANK[b.type]);
  return scored.slice(0, room).map(({ type, probability }) => {
    const message = config.messages[`ml_${type}`];
    const params = { probability: Math.round(probability * 100) };
    const signalsText = models
      .topContributions(type, features, 2)
      .map((c) => FEATURE_LABELS[c.feature])
      .join(', ');
    return {
      type,
      title: message.title(params),
      action: message.action(params),
      priority: config.ml.priority,
      source: 'ml',
      score: round2(probability),
      reasons: [
        `model probability ${formatNumber(probability)} >= nudge_probability_threshold ${formatNumber(threshold)}`,
        ...(signalsText === '' ? [] : [`strongest signals: ${signalsText}`]),
      ],
    };
  });
}

/** Priority high > medium > low, then rule before ml, then score, then NUDGE_TYPES order. */
export function compareNudges(a: Nudge, b: Nudge): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    (a.source === b.source ? 0 : a.source === 'rule' ? -1 : 1) ||
    b.score - a.score ||
    TYPE_RANK[a.type] - TYPE_RANK[b.type]
  );
}

export function rankNudges(nudges: readonly Nudge[], max: number): Nudge[] {
  return [...nudges].sort(compareNudges).slice(0, max);
}
