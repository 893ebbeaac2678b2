import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface MlModuleOptions {
  /** Folder holding `manifest.json` and one `<type>/model.json` per model. */
  readonly modelsDir: string;
}

export const {
  ConfigurableModuleClass: MlConfigurableModule,
  MODULE_OPTIONS_TOKEN: ML_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<MlModuleOptions>().setClassMethodName('forRoot').build();
