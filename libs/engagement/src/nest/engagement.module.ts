import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { HEALTH_CHECKS, MlModule } from '@app/ml';
import { ConfigHealthIndicator } from './engine-config.health';
import {
  CLOCK,
  ENGAGEMENT_OPTIONS,
  EngagementModuleOptions,
  systemClock,
} from './engagement.tokens';
import { EngagementService } from './engagement.service';
import { LiveEngine } from './live-engine';

export { EngagementModuleOptions } from './engagement.tokens';

export interface EngagementModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: FactoryProvider['inject'];
  readonly useFactory: (...args: never[]) => EngagementModuleOptions;
}

/** The options, imported by each module that reads them. */
@Module({})
class EngagementSettingsModule {}

/**
 * The engine: the live config and models (`LiveEngine`, which reloads them), the service that
 * answers with them, the models' module and both health indicators. Nest identifies a dynamic
 * module by reference, so an app that imports the returned module in several places shares one
 * engine; nothing here is global. The rules and the FOMO score are pure functions of the live
 * config, called per request: a Nest provider holding its own copy would go stale on reload.
 */
@Module({})
export class EngagementModule {
  static forRootAsync(options: EngagementModuleAsyncOptions): DynamicModule {
    const settings: DynamicModule = {
      module: EngagementSettingsModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: ENGAGEMENT_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory,
        },
      ],
      exports: [ENGAGEMENT_OPTIONS],
    };
    return {
      module: EngagementModule,
      imports: [
        settings,
        HEALTH_CHECKS,
        MlModule.forRootAsync({
          imports: [settings],
          inject: [ENGAGEMENT_OPTIONS],
          useFactory: (o: EngagementModuleOptions) => ({ modelsDir: o.modelsDir }),
        }),
      ],
      providers: [
        LiveEngine,
        EngagementService,
        ConfigHealthIndicator,
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [EngagementService, LiveEngine, ConfigHealthIndicator, MlModule, settings, CLOCK],
    };
  }
}
