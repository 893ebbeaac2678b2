import {
  Inject,
  Injectable,
  InternalServerErrorException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AnalysisView, inView } from '@app/contract';
import { Clock, CLOCK, EngagementService, LiveEngine } from '@app/engagement';
import { Env } from '../config/env.config';
import { DecisionLog } from '../decision-log/decision-log.service';
import { parseBody, RawJsonBody } from '../http/request-body';
import { AnalyzeThreads } from './analyze-threads';
import { AnalysisSummary, analysisSummary } from './engine-protocol';
import { ENGINE_WORKER_SCRIPT } from './engine-threads';
import { badRequest } from './refusal';

/** A single answer: the JSON the client gets, and what the request log and metrics record. */
export interface SingleAnswer {
  readonly json: string;
  readonly summary: AnalysisSummary;
}

/**
 * Answers `POST /analyze-engagement`. With ANALYZE_THREADS > 0 the body goes, unparsed, to an
 * engine thread that parses, validates, answers and serializes it, so the event loop only moves
 * bytes: under load the engine ran several times slower on the event loop than on a thread of
 * its own, its caches emptied by each request's HTTP work in between. With 0 the event loop does
 * it all. Both give the same bytes, the same 400s and the same decision-log line for a request.
 */
@Injectable()
export class AnalyzeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly threads: AnalyzeThreads | undefined;

  constructor(
    private readonly engagement: EngagementService,
    live: LiveEngine,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENGINE_WORKER_SCRIPT) script: string,
    env: ConfigService<Env, true>,
    private readonly decisionLog: DecisionLog,
  ) {
    const size = env.get('ANALYZE_THREADS', { infer: true });
    this.threads = size > 0 ? new AnalyzeThreads(size, live, script) : undefined;
  }

  async answer(
    body: unknown,
    acceptLanguage: string | undefined,
    view: AnalysisView,
  ): Promise<SingleAnswer> {
    if (body instanceof RawJsonBody && this.threads !== undefined) {
      const outcome = await this.threads
        .answer({
          body: body.bytes,
          today: this.clock.today(),
          acceptLanguage,
          view,
          decisionLog: this.decisionLog.keep,
        })
        .catch((error: Error) => {
          throw new InternalServerErrorException(error.message);
        });
      if (outcome.kind === 'refused') throw badRequest(outcome.refusal);
      if (outcome.decision !== undefined) {
        this.decisionLog.recordMade(outcome.summary.decisionId, outcome.decision);
      }
      return { json: outcome.json, summary: outcome.summary };
    }
    const document = body instanceof RawJsonBody ? parseBody(body.bytes) : body;
    const valid = this.engagement.validate(document);
    if (!valid.ok) throw badRequest({ kind: 'fields', errors: valid.errors });
    const analysis = this.engagement.analyze(
      valid.value,
      acceptLanguage,
      this.decisionLog.observe,
      undefined,
      view,
    );
    return { json: JSON.stringify(inView(analysis, view)), summary: analysisSummary(analysis) };
  }

  /**
   * The request threads start loading as the service starts listening: not awaited, so start-up
   * does not wait the ~0.4 s a thread takes to load the engine and build its state; a request
   * that comes sooner waits for it, as the first one used to.
   */
  onApplicationBootstrap(): void {
    this.threads?.warm();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.threads?.close();
  }
}
