import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthConfigurableModule } from './health.module-definition';

/** `/health`, `/health/ready` and `/version`; needs EngagementModule (config and models). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
})
export class HealthModule extends HealthConfigurableModule {}
