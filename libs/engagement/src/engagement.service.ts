import { Inject, Injectable } from '@nestjs/common';
import { deriveSignals, formatCalendarDate } from '@app/learner';
import { FomoService } from '@app/fomo';
import { encodeFeatures, MlService } from '@app/ml';
import { RulesService } from '@app/rules';
import { EngineConfig } from './config/engine-config';
import { CLOCK, Clock, ENGINE_CONFIG } from './engagement.tokens';
import { BatchResult, EngagementAnalysis } from './engine/analysis';
import { mergeRuleCandidates, mlNudges, rankNudges } from './engine/nudges';
import { invalidRequestBody } from './validation/invalid-request';
import { ValidBatch, validateBatch } from './validation/validate-batch';
import { validateAnalyzeRequest, Validated, ValidRequest } from './validation/validate-request';

/** rules → FOMO → one nudge per type → ML fill → rank → cap, for one validated request. */
@Injectable()
export class EngagementService {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesService,
    private readonly fomo: FomoService,
    private readonly ml: MlService,
  ) {}

  /** Validates a client's document; an absent `as_of` means today (UTC). */
  validate(body: unknown): Validated<ValidRequest> {
    return validateAnalyzeRequest(body, this.clock.today());
  }

  /** Validates a batch's envelope; items are validated one by one in analyzeBatch. */
  validateBatch(body: unknown, maxItems: number): Validated<ValidBatch> {
    return validateBatch(body, this.clock.today(), maxItems);
  }

  /** Every item answered in order: its analysis, or its own validation error. */
  analyzeBatch({ asOf, items }: ValidBatch): BatchResult[] {
    return items.map((item, index) => {
      const valid = validateAnalyzeRequest(item, asOf);
      return valid.ok
        ? this.analyze(valid.value)
        : { index, error: invalidRequestBody(valid.errors) };
    });
  }

  analyze({ request, asOf }: ValidRequest): EngagementAnalysis {
    const config = this.config;
    const signals = deriveSignals(request, asOf);
    const fomo = this.fomo.score({
      buddiesAttending: signals.buddiesAttendingEvents.length,
      buddyCount: signals.buddyCount,
      eventAttendance: signals.eventAttendance,
      daysSinceLastEvent: signals.daysSinceLastEvent,
    });
    let nudges = mergeRuleCandidates(this.rules.evaluate(signals, fomo.score), config);
    const models = this.ml.models;
    if (models !== undefined && nudges.length < config.max_nudges) {
      const taken = new Set(nudges.map((nudge) => nudge.type));
      const room = config.max_nudges - nudges.length;
      const features = encodeFeatures(signals);
      nudges = nudges.concat(mlNudges(taken, room, signals, features, models, config));
    }
    return {
      user_id: request.user_data.user_id,
      status: 'generated',
      as_of: request.as_of ?? formatCalendarDate(asOf),
      nudges: rankNudges(nudges, config.max_nudges),
      fomo,
      model_version: models?.version ?? null,
    };
  }
}
