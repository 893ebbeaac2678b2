import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RulesConfig } from './rules.config';

export const {
  ConfigurableModuleClass: RulesConfigurableModule,
  MODULE_OPTIONS_TOKEN: RULES_CONFIG,
} = new ConfigurableModuleBuilder<RulesConfig>().setClassMethodName('forRoot').build();
