import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { Env } from '../config/env.config';
import { annotateRequestLog } from '../logging/request-log';
import { MetricsService } from '../metrics/metrics.service';
import { BatchTally } from './batch-answer';
import { AnalysisSummary } from './engine-protocol';

/**
 * Records what an analysis returned on the request's log line and in the nudge counters. A
 * single analysis logs its user_id and nudge types (with LOG_USER_IDS=hash the id is a salted
 * SHA-256 prefix: stable across requests and replicas, not reversible without the salt); a batch
 * logs its size and how many items failed, not a thousand ids. Called by the controller rather
 * than an interceptor: Nest's interceptor chain costs an AsyncResource per request.
 */
@Injectable()
export class AnalysisTelemetryService {
  private readonly salt: string | undefined;

  constructor(
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

  analysis(request: IncomingMessage, summary: AnalysisSummary): void {
    for (const [type, source] of summary.nudges) this.metrics.countNudges(type, source, 1);
    annotateRequestLog(request, {
      user_id: this.loggedId(summary.userId),
      nudges: summary.nudges.map(([type]) => type),
    });
  }

  batch(request: IncomingMessage, summary: BatchTally): void {
    for (const [type, source, count] of summary.nudges)
      this.metrics.countNudges(type, source, count);
    annotateRequestLog(request, { batch_items: summary.items, batch_failed: summary.failed });
  }
}
