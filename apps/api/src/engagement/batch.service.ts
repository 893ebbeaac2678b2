import { Readable } from 'node:stream';
import {
  Inject,
  Injectable,
  InternalServerErrorException,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AnalysisView } from '@app/contract';
import { Clock, CLOCK, EngagementService, LiveEngine } from '@app/engagement';
import { Env } from '../config/env.config';
import { DecisionLog } from '../decision-log/decision-log.service';
import { MetricsService } from '../metrics/metrics.service';
import { parseBody, RawJsonBody } from '../http/request-body';
import { BatchAnswerWriter } from './batch-answer';
import { BatchAnswer, BatchThreads } from './batch-threads';
import { ENGINE_WORKER_SCRIPT } from './engine-threads';
import { badRequest } from './refusal';

/**
 * Answers `POST /analyze-engagement/batch`. With BATCH_THREADS > 0 the body goes, unparsed, to
 * an engine thread that parses, validates, answers and serializes it, so the event loop only moves
 * bytes; with 0 the event loop does it all, giving other requests a turn every 50 items. Both
 * give the same bytes for the same batch.
 */
@Injectable()
export class BatchService implements OnApplicationShutdown {
  private readonly maxItems: number;
  private readonly threads: BatchThreads | undefined;

  constructor(
    private readonly engagement: EngagementService,
    live: LiveEngine,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENGINE_WORKER_SCRIPT) script: string,
    env: ConfigService<Env, true>,
    private readonly decisionLog: DecisionLog,
    metrics: MetricsService,
  ) {
    this.maxItems = env.get('BATCH_MAX_ITEMS', { infer: true });
    const size = env.get('BATCH_THREADS', { infer: true });
    const threads = size > 0 ? new BatchThreads(size, live, script) : undefined;
    this.threads = threads;
    metrics.batchAnswerSlots(() => threads?.slotsTaken() ?? 0);
  }

  async answer(
    body: unknown,
    acceptLanguage: string | undefined,
    view: AnalysisView = 'full',
  ): Promise<BatchAnswer> {
    if (body instanceof RawJsonBody && this.threads !== undefined) {
      const outcome = await this.threads
        .run({
          body: body.bytes,
          today: this.clock.today(),
          maxItems: this.maxItems,
          acceptLanguage,
          view,
          decisionLog:
            this.decisionLog.keep === undefined
              ? undefined
              : {
                  keep: this.decisionLog.keep,
                  record: (text, lines) => this.decisionLog.recordLines(text, lines),
                },
        })
        .catch((error: Error) => {
          throw new InternalServerErrorException(error.message);
        });
      if (outcome.kind === 'refused') throw badRequest(outcome.refusal);
      return outcome.answer;
    }
    const document = body instanceof RawJsonBody ? parseBody(body.bytes) : body;
    const batch = this.engagement.validateBatch(document, this.maxItems);
    if (!batch.ok) throw badRequest({ kind: 'fields', errors: batch.errors });
    const chunks: Uint8Array[] = [];
    const writer = new BatchAnswerWriter((chunk) => chunks.push(new Uint8Array(chunk)), view);
    const results = await this.engagement.analyzeBatch(
      batch.value,
      acceptLanguage,
      this.decisionLog.observe,
      view,
    );
    for (const result of results) {
      writer.add(result);
    }
    const tally = writer.finish();
    return {
      body: Readable.from(chunks, { objectMode: false }),
      tally: Promise.resolve(tally),
      // The chunks are this answer's own.
      release: () => undefined,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.threads?.close();
  }
}
