import { DynamicModule, Module } from '@nestjs/common';
import { Admission } from '../front-door/admission.gate';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * `/metrics` and the service that records into it, reading the engine, the decision log and the
 * admission control the app was built with.
 */
@Module({})
export class MetricsModule {
  static register(
    engagement: DynamicModule,
    decisionLog: DynamicModule,
    admission: Admission,
  ): DynamicModule {
    return {
      module: MetricsModule,
      imports: [engagement, decisionLog],
      controllers: [MetricsController],
      providers: [MetricsService, { provide: Admission, useValue: admission }],
      exports: [MetricsService],
    };
  }
}
