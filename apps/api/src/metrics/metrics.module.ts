import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** `/metrics` and the service that records into it, reading the engine the app was built with. */
@Module({})
export class MetricsModule {
  static register(engagement: DynamicModule): DynamicModule {
    return {
      module: MetricsModule,
      imports: [engagement],
      controllers: [MetricsController],
      providers: [MetricsService],
      exports: [MetricsService],
    };
  }
}
