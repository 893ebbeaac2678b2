import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { LiveEngine } from './live-engine';

/**
 * Reports the engine config the service answers with. A config that fails validation stops
 * start-up and is refused on reload, so a running service always reports it `up`, with the hash
 * /version shows and, once a reload has run, `last_reload`: when it ended, `ok` or `refused`, and
 * why it was refused. Only the log and a counter said so before.
 */
@Injectable()
export class ConfigHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly live: LiveEngine,
  ) {}

  check(key: string): HealthIndicatorResult {
    // A refused reload leaves the old config serving: up, with why the new one was refused.
    const last = this.live.lastReload;
    return this.indicators
      .check(key)
      .up({ hash: this.live.config.hash, ...(last !== undefined && { last_reload: last }) });
  }
}
