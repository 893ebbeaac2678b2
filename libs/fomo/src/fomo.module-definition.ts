import { ConfigurableModuleBuilder } from '@nestjs/common';
import { FomoSettings } from './fomo-score';

export const {
  ConfigurableModuleClass: FomoConfigurableModule,
  MODULE_OPTIONS_TOKEN: FOMO_SETTINGS,
} = new ConfigurableModuleBuilder<FomoSettings>().setClassMethodName('forRoot').build();
