import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MlService } from './ml.service';

/**
 * Reports the model set. Rules-only mode is a working state, so it is `up` (with the reason)
 * unless the caller requires models, as the readiness probe does under REQUIRE_MODELS=true.
 */
@Injectable()
export class MlHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly ml: MlService,
  ) {}

  check(key: string, options: { required: boolean }): HealthIndicatorResult {
    const indicator = this.indicators.check(key);
    const status = this.ml.status();
    const details = {
      mode: status.mode,
      version: status.modelVersion,
      loaded: status.models,
      ...(status.error === undefined ? {} : { error: status.error }),
    };
    return options.required && status.mode !== 'ml'
      ? indicator.down(details)
      : indicator.up(details);
  }
}
