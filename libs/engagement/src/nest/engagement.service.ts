import { setImmediate } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import {
  AnalysisView,
  BatchResult,
  EngagementAnalysis,
  ValidBatch,
  validateAnalyzeRequest,
  validateBatch,
  Validated,
  ValidRequest,
} from '@app/contract';
import {
  analyzeBatchItem,
  analyzeObserved,
  DecisionObserver,
  EngineState,
} from '../pipeline/analyze-learner';
import { CLOCK, Clock } from './engagement.tokens';
import { LiveEngine } from './live-engine';

/** Batch items analysed between two turns of the event loop. */
const BATCH_SLICE = 50;

/**
 * The engine for the event loop: validation with today's date, and answers (`analyzeLearner`)
 * with the config and models live when a request starts, to its end.
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
    observe?: DecisionObserver,
    view: AnalysisView = 'full',
  ): Promise<BatchResult[]> {
    const state = this.live.state;
    const hint = locale ?? acceptLanguage;
    const results: BatchResult[] = [];
    for (let index = 0; index < items.length; index++) {
      if (index > 0 && index % BATCH_SLICE === 0) await setImmediate();
      results.push(analyzeBatchItem(items[index], index, asOf, state, hint, observe, view));
    }
    return results;
  }

  /**
   * `languageHint` (Accept-Language, or a batch's locale) counts when the request has no locale;
   * `observe` is told of the decision, as analyzeBatch's is of each. For the compact `view` the
   * texts it leaves out are not worded (analyzeLearner); the caller cuts the answer.
   */
  analyze(
    valid: ValidRequest,
    languageHint?: string,
    observe?: DecisionObserver,
    state: EngineState = this.live.state,
    view: AnalysisView = 'full',
  ): EngagementAnalysis {
    return analyzeObserved(valid, state, languageHint, observe, view);
  }
}
