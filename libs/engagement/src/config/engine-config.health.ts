import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ENGINE_CONFIG } from '../engagement.tokens';
import { EngineConfig } from './engine-config';

/**
 * Reports the engine config the service answers with. A config that fails validation stops
 * start-up, so a running service always reports it `up`, with the hash /version shows.
 */
@Injectable()
export class ConfigHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  check(key: string): HealthIndicatorResult {
    return this.indicators.check(key).up({ hash: this.config.hash });
  }
}
