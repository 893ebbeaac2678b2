import { Module } from '@nestjs/common';
import { FomoConfigurableModule } from './fomo.module-definition';
import { FomoService } from './fomo.service';

@Module({ providers: [FomoService], exports: [FomoService] })
export class FomoModule extends FomoConfigurableModule {}
