import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { LiveEngine } from './live-engine';

/**
 * Reports the engine config the service answers with. A config that fails validation stops
 * start-up and is refused on reload, so a running service always reports it `up`, with the hash
 * /version shows.
 */
@Injectable()
export class ConfigHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly live: LiveEngine,
  ) {}

  check(key: string): HealthIndicatorResult {
    return this.indicators.check(key).up({ hash: this.live.config.hash });
  }
}
