import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { EngagementModule } from '@app/engagement';
import { Env, validateEnv } from './config/env.config';
import { AnalysisTelemetryService } from './engagement/analysis-telemetry.service';
import { AnalyzeBatchPipe } from './engagement/analyze-batch.pipe';
import { AnalyzeRequestPipe } from './engagement/analyze-request.pipe';
import { EngagementController } from './engagement/engagement.controller';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { HttpErrorFilter } from './platform/http-error.filter';
import { Lifecycle } from './platform/lifecycle';
import { createRootLogger, nestLoggerParams, ROOT_LOGGER } from './platform/logging';
import { throttlerOptions } from './platform/throttler.options';
import { ServiceInfoController } from './service/service-info.controller';

type EnvService = ConfigService<Env, true>;

/**
 * The HTTP service. A dynamic module so the environment is read when the app is created, not
 * when this file is imported: tests build apps with different environments in one process.
 */
@Module({})
export class AppModule {
  /** `lifecycle` is shared with the signal handler; readiness fails once it is draining. */
  static forRoot(lifecycle: Lifecycle = { draining: false }): DynamicModule {
    // Validated here too, to decide which modules exist and how they are built: the throttler
    // guard costs every request a few metadata reads even when it would skip, so without a limit
    // it is not installed.
    const env = validateEnv(process.env);
    const throttling =
      env.RATE_LIMIT_MAX > 0
        ? {
            imports: [
              ThrottlerModule.forRoot(throttlerOptions(env.RATE_LIMIT_TTL, env.RATE_LIMIT_MAX)),
            ],
            providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
          }
        : { imports: [], providers: [] };
    // One engine for the whole app: the modules below import this same object.
    const engagement = EngagementModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (env: EnvService) => ({
        configPath: env.get('CONFIG_PATH', { infer: true }),
        modelsDir: env.get('MODELS_DIR', { infer: true }),
      }),
    });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateEnv }),
        LoggerModule.forRootAsync({
          providers: [
            {
              provide: ROOT_LOGGER,
              inject: [ConfigService],
              useFactory: (env: EnvService) =>
                createRootLogger({
                  LOG_LEVEL: env.get('LOG_LEVEL', { infer: true }),
                  LOG_PRETTY: env.get('LOG_PRETTY', { infer: true }),
                }),
            },
          ],
          inject: [ROOT_LOGGER],
          useFactory: nestLoggerParams,
        }),
        engagement,
        HealthModule.register(engagement, { requireModels: env.REQUIRE_MODELS, lifecycle }),
        MetricsModule.register(engagement),
        ...throttling.imports,
      ],
      controllers: [ServiceInfoController, EngagementController],
      providers: [
        AnalyzeRequestPipe,
        AnalyzeBatchPipe,
        AnalysisTelemetryService,
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ...throttling.providers,
      ],
    };
  }
}
