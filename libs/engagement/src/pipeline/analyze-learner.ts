import {
  AnalysisView,
  AssignmentResult,
  BatchResult,
  EngagementAnalysis,
  invalidRequestProblem,
  validateAnalyzeRequest,
  ValidRequest,
} from '@app/contract';
import { computeFomo, FomoResult } from '@app/fomo';
import {
  CalendarDay,
  deriveSignals,
  formatCalendarDate,
  LearnerSignals,
  NudgeType,
} from '@app/learner';
import { eventDisplayName, RenderContext, resolveLocale } from '@app/messages';
import { encodeFeatures, ModelSet } from '@app/ml/inference';
import { evaluateRules, RuleId } from '@app/rules';
import { renderSuppression, policyVersion } from '../answer/policy-answer';
import { renderNudge } from '../answer/render-nudge';
import { mlNudges } from '../candidates/model-drafts';
import { NudgeDraft } from '../candidates/nudge-draft';
import { mergeRuleCandidates } from '../candidates/rule-drafts';
import { upliftDrafts } from '../candidates/uplift-drafts';
import { EngineConfig, variantConfig } from '../config/engine-config';
import { assign } from '../policy/assignment';
import { chooseNudges, Selection } from '../policy/choose-nudges';
import { decisionRandom, newDecisionId } from '../policy/decision';
import { DeliveryHistory, deliveryHistory, fatigueUnderCap } from '../policy/fatigue';

/** The premises of a decision that is not explained: none are read. */
const NO_RULES: ReadonlySet<RuleId> = new Set();

/**
 * The types the models are not asked about: those a rule already drafts, and those switched off.
 */
function ruledOrOff(
  ruleDrafts: readonly NudgeDraft[],
  disabled: readonly NudgeType[],
): Set<NudgeType> {
  const types = new Set(ruleDrafts.map((draft) => draft.type));
  for (const type of disabled) types.add(type);
  return types;
}

/** The drafts the policy chooses from, by the config's objective. */
interface ObjectiveDrafts {
  /** Ranked together, in the objective's order. */
  readonly drafts: readonly NudgeDraft[];
  /** Under `propensity`: model drafts, made only while there is room; they fill after the rules. */
  readonly modelDrafts: Iterable<NudgeDraft>;
}

function draftsFor(
  ruleDrafts: readonly NudgeDraft[],
  premises: ReadonlySet<RuleId>,
  facts: LearnerFacts,
  models: ModelSet | undefined,
  config: EngineConfig,
  explained: boolean,
): ObjectiveDrafts {
  if (models === undefined) return { drafts: ruleDrafts, modelDrafts: [] };
  const { signals } = facts;
  const features = facts.features();
  if (config.policy.objective === 'uplift') {
    return { drafts: upliftDrafts(ruleDrafts, features, models, config), modelDrafts: [] };
  }
  // Models are only consulted for types no rule nudges (and not switched off), and only while
  // there is room.
  return {
    drafts: ruleDrafts,
    modelDrafts: mlNudges(
      ruledOrOff(ruleDrafts, config.policy.disabled_types),
      signals,
      features,
      models,
      config,
      premises,
      explained,
    ),
  };
}

/** What one answer is computed with: a config and the models served beside it. */
export interface EngineState {
  readonly config: EngineConfig;
  readonly models: ModelSet | undefined;
}

/** An answer and the model features it was made from, which its decision line keeps. */
interface Decision {
  readonly analysis: EngagementAnalysis;
  readonly features: Float64Array;
}

/**
 * What a request says about its learner: the signals, and the models' features of them, made
 * when first asked for. A replay asks several policies about one request (slatePolicy) and
 * reads the features itself, so it derives them once and passes them to each.
 */
export interface LearnerFacts {
  readonly signals: LearnerSignals;
  readonly features: () => Float64Array;
}

/** The facts of a request; its features are encoded `into` that vector when one is given. */
export function learnerFacts({ request, asOf }: ValidRequest, into?: Float64Array): LearnerFacts {
  const signals = deriveSignals(request, asOf);
  let features: Float64Array | undefined;
  return { signals, features: () => (features ??= encodeFeatures(signals, into)) };
}

/** What an answer decides before any of it is worded in a language. */
export interface LearnerDecision {
  readonly assignment: AssignmentResult;
  /** The learner's variant's config, or the live one. */
  readonly config: EngineConfig;
  readonly decisionId: string;
  readonly fomo: FomoResult;
  readonly selection: Selection;
  /** The deliveries as the policy read them, whatever its weekly cap. */
  readonly history: DeliveryHistory;
}

/**
 * One learner's decision: assignment (holdout, variant) → rules → FOMO → one draft per type →
 * model drafts (or, under the uplift objective, each rule draft's predicted uplift) → the
 * delivery policy (cooldowns, cap, one claim once, exploration). The answer words it; a replay
 * of the policy (slatePolicy) needs only the chosen types, so it skips the words. Unless
 * `explained`, rule and model nudges come without reasons or evidence: an answer that shows
 * neither, or a replay, does not gather them nor ask the models to explain themselves (the
 * choice is the same).
 */
export function decideForLearner(
  valid: ValidRequest,
  { config: live, models }: EngineState,
  facts: LearnerFacts = learnerFacts(valid),
  explained = true,
): LearnerDecision {
  const { request, asOf, deliveries } = valid;
  const assignment = assign(request.user_data.user_id, live.assignment);
  // A variant's FOMO settings and rule thresholds are its own, like everything below.
  const config = variantConfig(live, assignment);
  const { signals } = facts;
  const fomoInput = {
    buddiesAttending: signals.buddiesAttendingEvents.length,
    buddyCount: signals.buddyCount,
    eventAttendance: signals.eventAttendance,
    daysSinceLastEvent: signals.daysSinceLastEvent,
  };
  const fomo = computeFomo(fomoInput, config.fomo);
  const candidates = evaluateRules(signals, config.rules, fomo.score);
  const disabled = config.policy.disabled_types;
  const merged = mergeRuleCandidates(candidates, config, explained);
  const ruleDrafts =
    disabled.length === 0 ? merged : merged.filter((draft) => !disabled.includes(draft.type));
  const decisionId = request.decision_id ?? newDecisionId();
  // The rules that fire: what they hold true of the learner, no model reason contradicts (only
  // an explained model nudge gives reasons).
  const premises = explained ? new Set(candidates.map((candidate) => candidate.rule)) : NO_RULES;
  const { drafts, modelDrafts } = draftsFor(ruleDrafts, premises, facts, models, config, explained);
  const history = deliveryHistory(deliveries, asOf, config.fatigue);
  const selection = chooseNudges(drafts, modelDrafts, config, {
    fatigue: fatigueUnderCap(history, config.fatigue.max_nudges_per_7_days),
    epsilon: config.policy.exploration_epsilon,
    random: decisionRandom(decisionId),
  });
  return { assignment, config, decisionId, fomo, selection, history };
}

/**
 * One learner's answer: the decision (decideForLearner) → words.
 * A pure function of the request, the state and `languageHint` (Accept-Language, or a batch's
 * locale, which counts when the request has no locale of its own), so the API's event loop, its
 * batch threads and the offline scorer all answer alike.
 */
export function analyzeLearner(
  valid: ValidRequest,
  state: EngineState,
  languageHint?: string,
  view: AnalysisView = 'full',
): EngagementAnalysis {
  return decide(valid, state, languageHint, view).analysis;
}

/**
 * analyzeLearner's answer with its features: encoded even without models (a microsecond), so the
 * decision log never derives them again. For the compact `view` the texts it leaves out (the
 * nudges' reasons, the suppressed nudges' messages) are not worded: those fields are empty, and
 * the caller cuts the answer (compactAnalysis). The decision log reads neither.
 */
function decide(
  valid: ValidRequest,
  state: EngineState,
  languageHint: string | undefined,
  view: AnalysisView,
): Decision {
  const explained = view === 'full';
  const { request, asOf } = valid;
  const facts = learnerFacts(valid);
  const { assignment, config, decisionId, fomo, selection } = decideForLearner(
    valid,
    state,
    facts,
    explained,
  );
  const { chosen, eligible, slatePropensity, suppressed } = selection;
  const locale = resolveLocale(request.locale, languageHint);
  const catalog = config.catalogs.catalog(locale);
  const names = request.peer_snapshot.event_names;
  const context: RenderContext = {
    catalog,
    eventName: (key) =>
      eventDisplayName(
        key,
        names !== undefined && Object.hasOwn(names, key) ? names[key] : undefined,
        locale,
        config.event_words,
      ),
  };
  const nudges = chosen.map((nudge) => renderNudge(nudge, context, explained));
  const withheld = assignment.holdout
    ? [
        ...suppressed,
        ...chosen.map((n) => ({
          type: n.type,
          reason: 'holdout' as const,
          eligibleAgainOn: null,
        })),
      ]
    : suppressed;
  const modelVersion = state.models?.version ?? null;
  const analysis: EngagementAnalysis = {
    user_id: request.user_data.user_id,
    status: assignment.holdout ? 'holdout' : 'generated',
    as_of: request.as_of ?? formatCalendarDate(asOf),
    locale,
    decision_id: decisionId,
    assignment,
    policy_version: policyVersion(modelVersion, config.hash, assignment),
    nudges: assignment.holdout ? [] : nudges,
    ...(assignment.holdout ? { would_have_sent: nudges } : {}),
    slate_propensity: slatePropensity,
    candidates: eligible.map(({ type, source, score }) => ({ type, source, score })),
    suppressed: explained ? withheld.map((s) => renderSuppression(s, catalog)) : [],
    fomo,
    model_version: modelVersion,
  };
  return { analysis, features: facts.features() };
}

/**
 * Told of each decision made, with the request it was made for and the model features it was made
 * from (the decision log).
 */
export type DecisionObserver = (
  valid: ValidRequest,
  analysis: EngagementAnalysis,
  features: Float64Array,
) => void;

/** One learner's answer (analyzeLearner) for `view`, of which `observe` is told. */
export function analyzeObserved(
  valid: ValidRequest,
  state: EngineState,
  languageHint: string | undefined,
  observe: DecisionObserver | undefined,
  view: AnalysisView = 'full',
): EngagementAnalysis {
  const { analysis, features } = decide(valid, state, languageHint, view);
  observe?.(valid, analysis, features);
  return analysis;
}

/** One batch item: its analysis (worded for `view`), or its own validation error. */
export function analyzeBatchItem(
  item: unknown,
  index: number,
  asOf: CalendarDay,
  state: EngineState,
  languageHint?: string,
  observe?: DecisionObserver,
  view: AnalysisView = 'full',
): BatchResult {
  const valid = validateAnalyzeRequest(item, asOf);
  if (!valid.ok) return { kind: 'error', index, error: invalidRequestProblem(valid.errors) };
  const analysis = analyzeObserved(valid.value, state, languageHint, observe, view);
  return { kind: 'analysis', ...analysis };
}
