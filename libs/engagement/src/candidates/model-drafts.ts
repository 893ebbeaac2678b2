import { LearnerSignals, NUDGE_TYPES, NudgeType, round2, stableSort } from '@app/learner';
import { Phrase } from '@app/messages';
import { FEATURE_NAMES, FeatureContribution, FeatureName, ModelSet } from '@app/ml/inference';
import { peersAttendEvents, RuleId } from '@app/rules';
import { EngineConfig } from '../config/engine-config';
import { NudgeDraft, NudgeWording, TYPE_RANK } from './nudge-draft';

/**
 * Whether a model's nudge of this type may speak to the learner: its message must be true of
 * them. The models say who would act on a nudge, and motivated, up-to-date learners would, so a
 * model speaks only where the learner has the gap the nudge is about. For quizzes and events it
 * may speak early, from half-way to the rule's threshold; a model comeback needs a learner who is
 * away by the config's own definition, and an event nudge needs peers who are going to events.
 */
export function mlNudgeApplies(type: NudgeType, s: LearnerSignals, config: EngineConfig): boolean {
  const { quiz_inactive_days, user_inactive_days } = config.rules.engagement_rules;
  const days = s.daysSinceLastEvent;
  switch (type) {
    case 'resume':
      return !s.resumeUploaded;
    case 'project':
      return s.projectsAdded < s.batchAvgProjects;
    case 'quiz':
      return s.daysSinceLastQuiz === null || s.daysSinceLastQuiz > quiz_inactive_days / 2;
    case 'event_fomo':
      return (days === null || days > user_inactive_days / 2) && peersAttendEvents(s);
    case 'comeback':
      return days !== null && days > user_inactive_days;
  }
}

/** How many features each model reason names, each way. */
const EXPLAINED_FEATURES = 2;

/** Catalog keys built once: map lookups are faster with the same string each time. */
const FEATURE_KEYS = Object.fromEntries(
  FEATURE_NAMES.map((name) => [name, { high: `feature.${name}.high`, low: `feature.${name}.low` }]),
) as Record<FeatureName, { readonly high: string; readonly low: string }>;
const ML_MESSAGES = Object.fromEntries(NUDGE_TYPES.map((type) => [type, `ml_${type}`])) as Record<
  NudgeType,
  string
>;

/**
 * The factors that would say the opposite of a rule's premise, by the rule: "a recent event"
 * beside a comeback (away by the config's own `user_inactive_days`), "a recent quiz" past
 * `quiz_inactive_days`, "few peers with a resume" beside "84% of your peers have uploaded a
 * resume", "peers with few projects" beside the peers' project average, "no well-attended event
 * in the batch" beside a trending event, "buddies going to few events" beside the buddies' events.
 */
const CONTRADICTED_BY: Readonly<Partial<Record<RuleId, readonly FeatureName[]>>> = {
  comeback: ['event_recency_months'],
  quiz_inactive: ['quiz_recency_months'],
  resume_peer_gap: ['peer_resume_share'],
  project_peer_gap: ['peer_avg_projects'],
  trending_event: ['log_peer_event_max'],
  buddies_at_events: ['buddy_event_count'],
};

/** The features whose below-average reading would contradict a premise among `premises`. */
function contradicted(premises: ReadonlySet<RuleId>): Set<FeatureName> {
  const features = new Set<FeatureName>();
  for (const rule of premises)
    for (const feature of CONTRADICTED_BY[rule] ?? []) features.add(feature);
  return features;
}

/**
 * The first EXPLAINED_FEATURES factors that do not say the opposite of what a rule that fires
 * holds true of the learner (CONTRADICTED_BY): an answer tells one story, so such a factor is
 * left out and the next one named.
 */
function consistent(
  contributions: readonly FeatureContribution[],
  contradictions: ReadonlySet<FeatureName>,
): FeatureContribution[] {
  const kept: FeatureContribution[] = [];
  for (const c of contributions) {
    if (kept.length === EXPLAINED_FEATURES) break;
    if (c.above || !contradictions.has(c.feature)) kept.push(c);
  }
  return kept;
}

const factorKeys = (contributions: readonly FeatureContribution[]): string[] =>
  contributions.map((c) => FEATURE_KEYS[c.feature][c.above ? 'high' : 'low']);

/** A model nudge's message: the type's own, which a comeback words with the days away. */
function mlWording(type: NudgeType, shown: number, signals: LearnerSignals): NudgeWording {
  const days = signals.daysSinceLastEvent;
  return type === 'comeback' && days !== null
    ? { message: 'ml_comeback', params: { probability: shown, days }, claims: ['event_recency'] }
    : {
        message: ML_MESSAGES[type],
        params: { probability: shown },
        claims: type === 'event_fomo' ? ['peers_at_events'] : [],
      };
}

function mlDraft(
  type: NudgeType,
  probability: number,
  signals: LearnerSignals,
  features: Float64Array,
  models: ModelSet,
  config: EngineConfig,
  contradictions: ReadonlySet<FeatureName> | undefined,
): NudgeDraft {
  // Messages show the probability as a whole percentage; the score has 2 decimals too.
  const shown = round2(probability);
  const wording = mlWording(type, shown, signals);
  const draft = (reasons: Phrase[], evidence: NudgeDraft['evidence']): NudgeDraft => ({
    type,
    source: 'ml',
    priority: config.ml.priority,
    score: shown,
    wordings: [wording],
    reasons,
    evidence,
  });
  if (contradictions === undefined) return draft([], []);
  const threshold = config.ml.nudge_probability_threshold;
  // Two more than are named each way: those that contradict the rules give way to the next.
  const explained = models.explain(type, features, EXPLAINED_FEATURES + 2);
  const up = consistent(explained.up, contradictions);
  const down = consistent(explained.down, contradictions);
  const reasons: Phrase[] = [{ key: 'reason.model', params: { probability: shown, threshold } }];
  if (up.length > 0) reasons.push({ key: 'reason.model_up', params: { factors: factorKeys(up) } });
  if (down.length > 0) {
    reasons.push({ key: 'reason.model_down', params: { factors: factorKeys(down) } });
  }
  const contributions = Object.fromEntries(
    [...up, ...down].map((c) => [c.feature, Math.round(c.contribution * 1e4) / 1e4]),
  );
  return draft(reasons, [
    {
      rule: `model_${type}`,
      inputs: { probability: Math.round(probability * 1e4) / 1e4, ...contributions },
      threshold,
    },
  ]);
}

/**
 * Model drafts for every type without a rule nudge whose message applies and whose probability
 * is at or above the threshold, most probable first (ties in NUDGE_TYPES order). Drafts are made
 * as they are asked for: an answer the rules filled asks for none. `premises` are the rules that
 * fire for the learner: no factor named in a reason contradicts one. Unless `explained`, the
 * drafts have no reasons or evidence (what an answer without them, or a replay of the ranking,
 * needs): the model is not asked to explain itself.
 */
export function* mlNudges(
  taken: ReadonlySet<NudgeType>,
  signals: LearnerSignals,
  features: Float64Array,
  models: ModelSet,
  config: EngineConfig,
  premises: ReadonlySet<RuleId> = new Set(),
  explained = true,
): Generator<NudgeDraft, void, undefined> {
  const threshold = config.ml.nudge_probability_threshold;
  const scored: { type: NudgeType; probability: number }[] = [];
  for (const type of NUDGE_TYPES) {
    if (taken.has(type) || !mlNudgeApplies(type, signals, config)) continue;
    const probability = models.probability(type, features);
    if (probability !== undefined && probability >= threshold) scored.push({ type, probability });
  }
  stableSort(
    scored,
    (a, b) => b.probability - a.probability || TYPE_RANK[a.type] - TYPE_RANK[b.type],
  );
  const contradictions = explained ? contradicted(premises) : undefined;
  for (const { type, probability } of scored) {
    yield mlDraft(type, probability, signals, features, models, config, contradictions);
  }
}
