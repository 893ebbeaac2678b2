import { LearnerSignals, NUDGE_TYPES, NudgeType, Priority, round2 } from '@app/learner';
import { FEATURE_NAMES, FeatureContribution, FeatureName, ModelSet } from '@app/ml';
import {
  Claim,
  Evidence,
  MessageParams,
  peersAttendEvents,
  REASON_PARAMS,
  ReasonId,
  RuleCandidate,
} from '@app/rules';
import { EngineConfig } from '../config/engine-config';
import { FatigueState, NO_FATIGUE, Suppression } from './fatigue';

/** A catalog message and its parameters, rendered in the reader's language later. */
export interface Phrase {
  readonly key: string;
  readonly params: MessageParams;
}

/** One way to word a nudge: its message (`<message>.title`, `.action`) and the facts it states. */
export interface NudgeWording {
  readonly message: string;
  readonly params: MessageParams;
  readonly claims: readonly Claim[];
}

/** A nudge the engine would give, before it is worded in a language. */
export interface NudgeDraft {
  readonly type: NudgeType;
  readonly source: 'rule' | 'ml';
  readonly priority: Priority;
  /** The rule's strength or the model's probability, 2 decimals. */
  readonly score: number;
  /** Ways to word it, best first: the first that repeats no fact another nudge states is used. */
  readonly wordings: readonly NudgeWording[];
  readonly reasons: readonly Phrase[];
  readonly evidence: readonly Evidence[];
}

/** A draft that made the answer: its wording, its slot and how likely the policy put it there. */
export interface ChosenNudge extends NudgeDraft {
  readonly wording: NudgeWording;
  /** 1 for the first slot. */
  readonly rank: number;
  /** The probability that the policy puts this nudge in this slot, given what was left. */
  readonly propensity: number;
}

/** What the answer's policy needs beyond the drafts: the history's limits and exploration. */
export interface PolicyContext {
  readonly fatigue: FatigueState;
  readonly epsilon: number;
  /** Uniform in [0, 1), seeded from the decision id. */
  readonly random: () => number;
}

export interface Selection {
  readonly chosen: readonly ChosenNudge[];
  readonly suppressed: readonly Suppression[];
  /** What the first slot was drawn from, best first; empty when no slot was open. */
  readonly eligible: readonly NudgeDraft[];
}

const GREEDY: PolicyContext = { fatigue: NO_FATIGUE, epsilon: 0, random: () => 0 };

const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 0, medium: 1, low: 2 };
const TYPE_RANK = Object.fromEntries(NUDGE_TYPES.map((type, i) => [type, i])) as Record<
  NudgeType,
  number
>;

/** Each candidate's own wording, strongest first, then the fallbacks: a specific message beats a generic one. */
function wordingsOf(ranked: readonly RuleCandidate[]): NudgeWording[] {
  const wordings: NudgeWording[] = [];
  for (const c of ranked) wordings.push({ message: c.message, params: c.params, claims: c.claims });
  for (const c of ranked) if (c.fallback !== undefined) wordings.push(c.fallback);
  return wordings;
}

/** Every candidate's reasons, in the rule table's order, as catalog phrases. */
function reasonsOf(list: readonly RuleCandidate[]): Phrase[] {
  const reasons: Phrase[] = [];
  for (const c of list) {
    for (const r of c.reasons) reasons.push({ key: REASON_KEYS[r.id], params: r.params });
  }
  return reasons;
}

/**
 * One draft per type. The strongest candidate of a type sets the score (the earlier rule wins a
 * tie) and its wording comes first; every candidate adds its reasons and evidence.
 */
export function mergeRuleCandidates(
  candidates: readonly RuleCandidate[],
  config: EngineConfig,
): NudgeDraft[] {
  const byType = new Map<NudgeType, RuleCandidate[]>();
  for (const candidate of candidates) {
    const list = byType.get(candidate.type);
    if (list === undefined) byType.set(candidate.type, [candidate]);
    else list.push(candidate);
  }
  return [...byType].map(([type, list]) => {
    // A stable sort keeps the rule table's order among equal scores.
    const ranked = [...list].sort((a, b) => b.score - a.score);
    return {
      type,
      source: 'rule',
      priority: config.priority_labels[type],
      score: round2(ranked[0].score),
      wordings: wordingsOf(ranked),
      reasons: reasonsOf(list),
      evidence: list.map((c) => c.evidence),
    };
  });
}

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
const REASON_KEYS = Object.fromEntries(
  Object.keys(REASON_PARAMS).map((id) => [id, `reason.${id}`]),
) as Record<ReasonId, string>;
const FEATURE_KEYS = Object.fromEntries(
  FEATURE_NAMES.map((name) => [name, { high: `feature.${name}.high`, low: `feature.${name}.low` }]),
) as Record<FeatureName, { readonly high: string; readonly low: string }>;
const ML_MESSAGES = Object.fromEntries(NUDGE_TYPES.map((type) => [type, `ml_${type}`])) as Record<
  NudgeType,
  string
>;

const factorKeys = (contributions: readonly FeatureContribution[]): string[] =>
  contributions.map((c) => FEATURE_KEYS[c.feature][c.above ? 'high' : 'low']);

function mlDraft(
  type: NudgeType,
  probability: number,
  signals: LearnerSignals,
  features: Float64Array,
  models: ModelSet,
  config: EngineConfig,
): NudgeDraft {
  const threshold = config.ml.nudge_probability_threshold;
  const { up, down } = models.explain(type, features, EXPLAINED_FEATURES);
  // Messages show the probability as a whole percentage; the score has 2 decimals too.
  const shown = round2(probability);
  const days = signals.daysSinceLastEvent;
  const wording: NudgeWording =
    type === 'comeback' && days !== null
      ? { message: 'ml_comeback', params: { probability: shown, days }, claims: ['event_recency'] }
      : {
          message: ML_MESSAGES[type],
          params: { probability: shown },
          claims: type === 'event_fomo' ? ['peers_at_events'] : [],
        };
  const reasons: Phrase[] = [{ key: 'reason.model', params: { probability: shown, threshold } }];
  if (up.length > 0) reasons.push({ key: 'reason.model_up', params: { factors: factorKeys(up) } });
  if (down.length > 0) {
    reasons.push({ key: 'reason.model_down', params: { factors: factorKeys(down) } });
  }
  const contributions = Object.fromEntries(
    [...up, ...down].map((c) => [c.feature, Math.round(c.contribution * 1e4) / 1e4]),
  );
  return {
    type,
    source: 'ml',
    priority: config.ml.priority,
    score: shown,
    wordings: [wording],
    reasons,
    evidence: [
      {
        rule: `model_${type}`,
        inputs: { probability: Math.round(probability * 1e4) / 1e4, ...contributions },
        threshold,
      },
    ],
  };
}

/**
 * Model drafts for every type without a rule nudge whose message applies and whose probability
 * is at or above the threshold, most probable first (ties in NUDGE_TYPES order). Drafts are made
 * as they are asked for: an answer the rules filled asks for none.
 */
export function* mlNudges(
  taken: ReadonlySet<NudgeType>,
  signals: LearnerSignals,
  features: Float64Array,
  models: ModelSet,
  config: EngineConfig,
): Generator<NudgeDraft, void, undefined> {
  const threshold = config.ml.nudge_probability_threshold;
  const scored: { type: NudgeType; probability: number }[] = [];
  for (const type of NUDGE_TYPES) {
    if (taken.has(type) || !mlNudgeApplies(type, signals, config)) continue;
    const probability = models.probability(type, features);
    if (probability !== undefined && probability >= threshold) scored.push({ type, probability });
  }
  scored.sort((a, b) => b.probability - a.probability || TYPE_RANK[a.type] - TYPE_RANK[b.type]);
  for (const { type, probability } of scored) {
    yield mlDraft(type, probability, signals, features, models, config);
  }
}

/** Priority high > medium > low, then rule before ml, then score, then NUDGE_TYPES order. */
export function compareNudges(a: NudgeDraft, b: NudgeDraft): number {
  return compareWeighted(a, b, 1, 1);
}

/** As compareNudges, with each score weighted (the recency penalty). */
function compareWeighted(a: NudgeDraft, b: NudgeDraft, weightA: number, weightB: number): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    (a.source === b.source ? 0 : a.source === 'rule' ? -1 : 1) ||
    b.score * weightB - a.score * weightA ||
    TYPE_RANK[a.type] - TYPE_RANK[b.type]
  );
}

/**
 * A draft with the wording it will use. Spelled out rather than spread: every answer makes
 * several, and a literal of a fixed shape is several times faster to build.
 */
function withWording(
  draft: NudgeDraft,
  wording: NudgeWording,
): NudgeDraft & { wording: NudgeWording } {
  return {
    type: draft.type,
    source: draft.source,
    priority: draft.priority,
    score: draft.score,
    wordings: draft.wordings,
    reasons: draft.reasons,
    evidence: draft.evidence,
    wording,
  };
}

/** Facts already stated in the answer, and by which type. */
type Stated = Map<Claim, NudgeType>;

/** The first wording that states no fact a nudge of an overlapping type already states. */
function freeWording(
  draft: NudgeDraft,
  stated: Stated,
  config: EngineConfig,
): NudgeWording | undefined {
  for (const wording of draft.wordings) {
    let free = true;
    for (const claim of wording.claims) {
      const by = stated.get(claim);
      if (by === undefined || by === draft.type) continue;
      const shared = config.overlaps[claim];
      if (shared.includes(by) && shared.includes(draft.type)) free = false;
    }
    if (free) return wording;
  }
  return undefined;
}

/**
 * The answer's nudges. Drafts still in their cooldown are withheld. Rule drafts, in rank order
 * (scores weighted by the recency penalty), are each worded so they repeat no fact a stronger
 * nudge states (config `overlaps`), a draft with no such wording yielding; model drafts fill the
 * room left under the same rule. Then each of the slots the 7-day cap allows (at most
 * `max_nudges`) takes the best remaining nudge, or with probability ε a uniformly drawn one; the
 * propensity says how likely that choice was. Nudges the cap alone kept out are reported.
 */
export function chooseNudges(
  ruleDrafts: readonly NudgeDraft[],
  modelDrafts: Iterable<NudgeDraft>,
  config: EngineConfig,
  policy: PolicyContext = GREEDY,
): Selection {
  const { fatigue, epsilon, random } = policy;
  const suppressed: Suppression[] = [];
  const weight = (draft: NudgeDraft) => fatigue.rankWeight.get(draft.type) ?? 1;
  const compare = (a: NudgeDraft, b: NudgeDraft) => compareWeighted(a, b, weight(a), weight(b));
  const rested = (draft: NudgeDraft): boolean => {
    const until = fatigue.coolingDown.get(draft.type);
    if (until === undefined) return true;
    suppressed.push({ type: draft.type, reason: 'cooldown', eligibleAgainOn: until });
    return false;
  };
  const stated: Stated = new Map();
  const candidates: (NudgeDraft & { wording: NudgeWording })[] = [];
  const take = (draft: NudgeDraft): void => {
    const wording = freeWording(draft, stated, config);
    if (wording === undefined) return;
    for (const claim of wording.claims) if (!stated.has(claim)) stated.set(claim, draft.type);
    candidates.push(withWording(draft, wording));
  };
  for (const draft of ruleDrafts.filter(rested).sort(compare)) take(draft);
  for (const draft of modelDrafts) {
    // Exploring may pick any candidate, so then every model draft is one.
    if (epsilon === 0 && candidates.length >= config.max_nudges) break;
    if (rested(draft)) take(draft);
  }
  candidates.sort(compare);

  const slots = Math.min(config.max_nudges, fatigue.room);
  const eligible = slots > 0 ? [...candidates] : [];
  const chosen: ChosenNudge[] = [];
  while (chosen.length < slots && candidates.length > 0) {
    const n = candidates.length;
    const index = epsilon > 0 && random() < epsilon ? Math.floor(random() * n) : 0;
    const propensity = (index === 0 ? 1 - epsilon : 0) + epsilon / n;
    const [pick] = candidates.splice(index, 1);
    chosen.push({
      type: pick.type,
      source: pick.source,
      priority: pick.priority,
      score: pick.score,
      wordings: pick.wordings,
      reasons: pick.reasons,
      evidence: pick.evidence,
      wording: pick.wording,
      rank: chosen.length + 1,
      propensity,
    });
  }
  for (const draft of candidates.slice(0, Math.max(0, config.max_nudges - slots))) {
    suppressed.push({
      type: draft.type,
      reason: 'weekly_cap',
      eligibleAgainOn: fatigue.capFreesOn,
    });
  }
  return { chosen, suppressed, eligible };
}
