import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { FomoModule } from '@app/fomo';
import { HEALTH_CHECKS, MlModule } from '@app/ml';
import { RulesModule } from '@app/rules';
import { EngineConfig } from './config/engine-config';
import { ConfigHealthIndicator } from './config/engine-config.health';
import { loadEngineConfig } from './config/engine-config.loader';
import { CLOCK, ENGINE_CONFIG, systemClock } from './engagement.tokens';
import { EngagementService } from './engagement.service';

export interface EngagementModuleOptions {
  /** Path of config.json. */
  readonly configPath: string;
  /** Folder of the trained models and their manifest. */
  readonly modelsDir: string;
}

export interface EngagementModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: FactoryProvider['inject'];
  readonly useFactory: (...args: never[]) => EngagementModuleOptions;
}

const ENGAGEMENT_OPTIONS = Symbol('ENGAGEMENT_OPTIONS');

/** The options and the config loaded from them, imported by each module that reads them. */
@Module({})
class EngagementSettingsModule {}

/**
 * The engine: rules, FOMO and models configured from one validated config. Exports the service,
 * the models, the config (ENGINE_CONFIG) and both health indicators. Nest identifies a dynamic
 * module by reference, so an app that imports the returned module in several places shares one
 * engine; nothing here is global.
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
        {
          provide: ENGINE_CONFIG,
          inject: [ENGAGEMENT_OPTIONS],
          useFactory: (o: EngagementModuleOptions) => loadEngineConfig(o.configPath),
        },
      ],
      exports: [ENGAGEMENT_OPTIONS, ENGINE_CONFIG],
    };
    return {
      module: EngagementModule,
      imports: [
        settings,
        HEALTH_CHECKS,
        RulesModule.forRootAsync({
          imports: [settings],
          inject: [ENGINE_CONFIG],
          useFactory: (c: EngineConfig) => c.rules,
        }),
        FomoModule.forRootAsync({
          imports: [settings],
          inject: [ENGINE_CONFIG],
          useFactory: (c: EngineConfig) => c.fomo,
        }),
        MlModule.forRootAsync({
          imports: [settings],
          inject: [ENGAGEMENT_OPTIONS],
          useFactory: (o: EngagementModuleOptions) => ({ modelsDir: o.modelsDir }),
        }),
      ],
      providers: [
        EngagementService,
        ConfigHealthIndicator,
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [EngagementService, ConfigHealthIndicator, MlModule, settings],
    };
  }
}
