import { Module } from '@nestjs/common';
import { RulesConfigurableModule } from './rules.module-definition';
import { RulesService } from './rules.service';

@Module({ providers: [RulesService], exports: [RulesService] })
export class RulesModule extends RulesConfigurableModule {}
