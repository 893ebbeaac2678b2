import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface HealthModuleOptions {
  readonly serviceName: string;
  readonly version: string;
  /** When true, readiness fails until the models are loaded (REQUIRE_MODELS). */
  readonly requireModels: boolean;
}

export const {
  ConfigurableModuleClass: HealthConfigurableModule,
  MODULE_OPTIONS_TOKEN: HEALTH_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<HealthModuleOptions>().setClassMethodName('forRoot').build();
