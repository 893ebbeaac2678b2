import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

/** `/health`, `/health/ready` and `/version`, reading the engine the app was built with. */
@Module({})
export class HealthModule {
  static register(engagement: DynamicModule): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), engagement],
      controllers: [HealthController],
    };
  }
}
