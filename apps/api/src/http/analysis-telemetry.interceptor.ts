import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PinoLogger } from 'nestjs-pino';
import { Observable, tap } from 'rxjs';
import { EngagementAnalysis } from '@app/engagement';
import { Env } from '../config/env.config';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Adds what an analysis returned to the request's log line (user_id, nudge types) and to the
 * nudge counters. With LOG_USER_IDS=hash the id is logged as a salted SHA-256 prefix: stable
 * across requests and replicas, not reversible without the salt.
 */
@Injectable()
export class AnalysisTelemetryInterceptor implements NestInterceptor<EngagementAnalysis> {
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

  intercept(
    _context: ExecutionContext,
    next: CallHandler<EngagementAnalysis>,
  ): Observable<EngagementAnalysis> {
    return next.handle().pipe(
      tap((analysis) => {
        this.metrics.countNudges(analysis.nudges);
        this.logger.assign({
          user_id: this.loggedId(analysis.user_id),
          nudges: analysis.nudges.map((nudge) => nudge.type),
        });
      }),
    );
  }
}
