import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PinoLogger } from 'nestjs-pino';
import { Observable, tap } from 'rxjs';
import { BatchResult, EngagementAnalysis } from '@app/engagement';
import { Env } from '../config/env.config';
import { MetricsService } from '../metrics/metrics.service';

type Answer = EngagementAnalysis | { results: BatchResult[] };

/**
 * Adds what an analysis returned to the request's log line and to the nudge counters. A single
 * analysis logs its user_id and nudge types (with LOG_USER_IDS=hash the id is a salted SHA-256
 * prefix: stable across requests and replicas, not reversible without the salt); a batch logs
 * its size and how many items failed, not a thousand ids.
 */
@Injectable()
export class AnalysisTelemetryInterceptor implements NestInterceptor<Answer> {
  private readonly salt: string | undefined;

  constructor(
    private readonly logger: PinoLogger,
    private readonly metrics: MetricsService,
    env: ConfigService<Env, true>,
  ) {
    this.salt =
      env.get('LOG_USER_IDS', { infer: true }) === 'hash'
        ? env.get('LOG_USER_ID_SALT', { infer: true })
        : undefined;
  }

  private loggedId(userId: string): string {
    if (this.salt === undefined) return userId;
    return createHash('sha256').update(this.salt).update(userId).digest('hex').slice(0, 16);
  }

  private record(answer: Answer): void {
    if (!('results' in answer)) {
      this.metrics.countNudges(answer.nudges);
      this.logger.assign({
        user_id: this.loggedId(answer.user_id),
        nudges: answer.nudges.map((nudge) => nudge.type),
      });
      return;
    }
    let failed = 0;
    for (const result of answer.results) {
      if ('error' in result) failed++;
      else this.metrics.countNudges(result.nudges);
    }
    this.logger.assign({ batch_items: answer.results.length, batch_failed: failed });
  }

  intercept(_context: ExecutionContext, next: CallHandler<Answer>): Observable<Answer> {
    return next.handle().pipe(tap((answer) => this.record(answer)));
  }
}
