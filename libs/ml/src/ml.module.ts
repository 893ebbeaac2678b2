import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MlConfigurableModule } from './ml.module-definition';
import { MlHealthIndicator } from './ml.health';
import { MlService } from './ml.service';

@Module({
  imports: [TerminusModule],
  providers: [MlService, MlHealthIndicator],
  exports: [MlService, MlHealthIndicator],
})
export class MlModule extends MlConfigurableModule {}
