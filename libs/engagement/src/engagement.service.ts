import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { deriveSignals, formatCalendarDate } from '@app/learner';
import { FomoService } from '@app/fomo';
import { encodeFeatures, MlService } from '@app/ml';
import { RulesService } from '@app/rules';
import { EngineConfig } from './config/engine-config';
import { CLOCK, Clock, ENGINE_CONFIG } from './engagement.tokens';
import { BatchResult, EngagementAnalysis } from './engine/analysis';
import { chooseNudges, mergeRuleCandidates, mlNudges } from './engine/nudges';
import { readableEventName, RenderContext, renderNudge } from './engine/render';
import { resolveLocale } from './messages/message-catalogs';
import { invalidRequestBody } from './validation/invalid-request';
import { ValidBatch, validateBatch } from './validation/validate-batch';
import { validateAnalyzeRequest, Validated, ValidRequest } from './validation/validate-request';

/** rules → FOMO → one nudge per type → ML fill → rank → cap, for one validated request. */
@Injectable()
export class EngagementService implements OnModuleInit {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesService,
    private readonly fomo: FomoService,
    private readonly ml: MlService,
  ) {}

  /** Keys that still work but should move are said once, at start-up. */
  onModuleInit(): void {
    const logger = new Logger(EngagementService.name);
    for (const line of this.config.deprecations) logger.warn(line);
  }

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
   * `locale` wins over the batch's, which wins over the Accept-Language header.
   */
  analyzeBatch({ asOf, items, locale }: ValidBatch, acceptLanguage?: string): BatchResult[] {
    return items.map((item, index) => {
      const valid = validateAnalyzeRequest(item, asOf);
      return valid.ok
        ? this.analyze(valid.value, locale ?? acceptLanguage)
        : { index, error: invalidRequestBody(valid.errors) };
    });
  }

  /** `languageHint` (Accept-Language, or a batch's locale) counts when the request has no locale. */
  analyze({ request, asOf }: ValidRequest, languageHint?: string): EngagementAnalysis {
    const config = this.config;
    const signals = deriveSignals(request, asOf);
    const fomo = this.fomo.score({
      buddiesAttending: signals.buddiesAttendingEvents.length,
      buddyCount: signals.buddyCount,
      eventAttendance: signals.eventAttendance,
      daysSinceLastEvent: signals.daysSinceLastEvent,
    });
    const ruleDrafts = mergeRuleCandidates(this.rules.evaluate(signals, fomo.score), config);
    const models = this.ml.models;
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
    const chosen = chooseNudges(ruleDrafts, modelDrafts, config);
    const locale = resolveLocale(request.locale, languageHint);
    const names = request.peer_snapshot.event_names;
    const context: RenderContext = {
      catalog: config.catalogs.catalog(locale),
      eventName: (key) =>
        names !== undefined && Object.hasOwn(names, key) ? names[key] : readableEventName(key),
    };
    return {
      user_id: request.user_data.user_id,
      status: 'generated',
      as_of: request.as_of ?? formatCalendarDate(asOf),
      locale,
      nudges: chosen.map((nudge) => renderNudge(nudge, context)),
      fomo,
      model_version: models?.version ?? null,
    };
  }
}
