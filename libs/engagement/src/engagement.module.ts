import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { FomoModule } from '@app/fomo';
import { MlModule } from '@app/ml';
import { RulesModule } from '@app/rules';
import { EngineConfig, loadEngineConfig } from './config/engine.config';
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

/** Holds the options and the loaded config, globally, so the leaf modules' factories can read them. */
@Module({})
class EngagementSettingsModule {}

@Module({})
export class EngagementModule {
  static forRootAsync(options: EngagementModuleAsyncOptions): DynamicModule {
    const settings: DynamicModule = {
      module: EngagementSettingsModule,
      global: true,
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
      // Global: health checks and the apps read the same config and models.
      global: true,
      imports: [
        settings,
        RulesModule.forRootAsync({
          inject: [ENGINE_CONFIG],
          useFactory: (c: EngineConfig) => c.rules,
        }),
        FomoModule.forRootAsync({
          inject: [ENGINE_CONFIG],
          useFactory: (c: EngineConfig) => c.fomo,
        }),
        MlModule.forRootAsync({
          inject: [ENGAGEMENT_OPTIONS],
          useFactory: (o: EngagementModuleOptions) => ({ modelsDir: o.modelsDir }),
        }),
      ],
      providers: [EngagementService, { provide: CLOCK, useValue: systemClock }],
      exports: [EngagementService, MlModule],
    };
  }
}
