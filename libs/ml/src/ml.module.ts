import { Module } from '@nestjs/common';
import { HEALTH_CHECKS } from './health-checks';
import { MlConfigurableModule } from './ml.module-definition';
import { MlHealthIndicator } from './ml.health';
import { MlService } from './ml.service';

@Module({
  imports: [HEALTH_CHECKS],
  providers: [MlService, MlHealthIndicator],
  exports: [MlService, MlHealthIndicator],
})
export class MlModule extends MlConfigurableModule {}
