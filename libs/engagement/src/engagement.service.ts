import { setImmediate } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { deriveSignals, formatCalendarDate } from '@app/learner';
import { computeFomo } from '@app/fomo';
import { encodeFeatures } from '@app/ml';
import { evaluateRules } from '@app/rules';
import { CLOCK, Clock } from './engagement.tokens';
import { BatchResult, EngagementAnalysis } from './engine/analysis';
import { fatigueState } from './engine/fatigue';
import { chooseNudges, mergeRuleCandidates, mlNudges } from './engine/nudges';
import { policyVersion, renderSuppression } from './engine/policy-answer';
import { readableEventName, RenderContext, renderNudge } from './engine/render';
import { assign } from './policy/assignment';
import { decisionRandom, newDecisionId } from './policy/decision';
import { resolveLocale } from './messages/message-catalogs';
import { EngineState, LiveEngine } from './live-engine';
import { invalidRequestProblem } from './validation/problem';
import { ValidBatch, validateBatch } from './validation/validate-batch';
import { validateAnalyzeRequest, Validated, ValidRequest } from './validation/validate-request';

/** Batch items analysed between two turns of the event loop. */
const BATCH_SLICE = 50;

/**
 * For one validated request: assignment (holdout, variant) → rules → FOMO → one draft per type →
 * model drafts → the delivery policy (cooldowns, cap, one claim once, exploration) → words.
 * A request is answered with the config and models live when it starts, to its end.
 */
@Injectable()
export class EngagementService {
  constructor(
    private readonly live: LiveEngine,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Validates a client's document; an absent `as_of` means today (UTC). */
  validate(body: unknown): Validated<ValidRequest> {
    return validateAnalyzeRequest(body, this.clock.today());
  }

  /** Validates a batch's envelope; items are validated one by one in analyzeBatch. */
  validateBatch(body: unknown, maxItems: number): Validated<ValidBatch> {
    return validateBatch(body, this.clock.today(), maxItems);
  }

  /**
   * Every item answered in order: its analysis, or its own validation error. An item's own
   * `locale` wins over the batch's, which wins over the Accept-Language header. The event loop
   * gets a turn every BATCH_SLICE items, so probes and single requests are not held behind a
   * large batch (a slice takes a few milliseconds); a reload in one of those turns changes
   * nothing for the batch, whose every item is answered with the state it started with.
   */
  async analyzeBatch(
    { asOf, items, locale }: ValidBatch,
    acceptLanguage?: string,
  ): Promise<BatchResult[]> {
    const state = this.live.state;
    const results: BatchResult[] = [];
    for (let index = 0; index < items.length; index++) {
      if (index > 0 && index % BATCH_SLICE === 0) await setImmediate();
      const valid = validateAnalyzeRequest(items[index], asOf);
      results.push(
        valid.ok
          ? this.analyze(valid.value, locale ?? acceptLanguage, state)
          : { index, error: invalidRequestProblem(valid.errors) },
      );
    }
    return results;
  }

  /** `languageHint` (Accept-Language, or a batch's locale) counts when the request has no locale. */
  analyze(
    valid: ValidRequest,
    languageHint?: string,
    { config: live, models }: EngineState = this.live.state,
  ): EngagementAnalysis {
    const { request, asOf, deliveries } = valid;
    const userId = request.user_data.user_id;
    const assignment = assign(userId, live.assignment);
    // A variant's FOMO settings and rule thresholds are its own, like everything below.
    const config =
      assignment.experiment === undefined
        ? live
        : (live.variants.get(`${assignment.experiment}/${assignment.variant}`) ?? live);
    const signals = deriveSignals(request, asOf);
    const fomoInput = {
      buddiesAttending: signals.buddiesAttendingEvents.length,
      buddyCount: signals.buddyCount,
      eventAttendance: signals.eventAttendance,
      daysSinceLastEvent: signals.daysSinceLastEvent,
    };
    const fomo = computeFomo(fomoInput, config.fomo);
    const candidates = evaluateRules(signals, config.rules, fomo.score);
    const ruleDrafts = mergeRuleCandidates(candidates, config);
    // Models are only consulted for types no rule nudges, and only while there is room.
    const modelDrafts =
      models === undefined
        ? []
        : mlNudges(
            new Set(ruleDrafts.map((draft) => draft.type)),
            signals,
            encodeFeatures(signals),
            models,
            config,
          );
    const decisionId = request.decision_id ?? newDecisionId();
    const { chosen, suppressed } = chooseNudges(ruleDrafts, modelDrafts, config, {
      fatigue: fatigueState(deliveries, asOf, config.fatigue),
      epsilon: config.policy.exploration_epsilon,
      random: decisionRandom(decisionId),
    });
    const locale = resolveLocale(request.locale, languageHint);
    const catalog = config.catalogs.catalog(locale);
    const names = request.peer_snapshot.event_names;
    const context: RenderContext = {
      catalog,
      eventName: (key) =>
        names !== undefined && Object.hasOwn(names, key) ? names[key] : readableEventName(key),
    };
    const nudges = chosen.map((nudge) => renderNudge(nudge, context));
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
    const modelVersion = models?.version ?? null;
    return {
      user_id: userId,
      status: assignment.holdout ? 'holdout' : 'generated',
      as_of: request.as_of ?? formatCalendarDate(asOf),
      locale,
      decision_id: decisionId,
      assignment,
      policy_version: policyVersion(modelVersion, config.hash, assignment),
      nudges: assignment.holdout ? [] : nudges,
      ...(assignment.holdout ? { would_have_sent: nudges } : {}),
      suppressed: withheld.map((s) => renderSuppression(s, catalog)),
      fomo,
      model_version: modelVersion,
    };
  }
}
