import { DynamicModule, Module } from '@nestjs/common';
import { HEALTH_CHECKS } from '@app/ml';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, HealthOptions } from './health.options';

/**
 * `/health`, `/health/ready` and `/version`, reading the engine and the decision log the app was
 * built with.
 */
@Module({})
export class HealthModule {
  static register(
    engagement: DynamicModule,
    decisionLog: DynamicModule,
    options: HealthOptions,
  ): DynamicModule {
    return {
      module: HealthModule,
      imports: [HEALTH_CHECKS, engagement, decisionLog],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}
