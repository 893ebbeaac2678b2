import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { EngagementModule } from '@app/engagement';
import { HealthModule } from '@app/health';
import { APP_INFO } from './app-info';
import { AppController } from './app.controller';
import { Env, validateEnv } from './config/env.config';
import { EngagementController } from './engagement.controller';
import { AnalysisTelemetry } from './http/analysis-telemetry';
import { AnalyzeBatchPipe } from './http/analyze-batch.pipe';
import { AnalyzeRequestPipe } from './http/analyze-request.pipe';
import { HttpErrorFilter } from './http/http-error.filter';
import { createRootLogger, nestLoggerParams, ROOT_LOGGER } from './logging';
import { MetricsModule } from './metrics/metrics.module';
import { throttlerOptions } from './http/throttling';

type EnvService = ConfigService<Env, true>;

/**
 * The HTTP service. A dynamic module so the environment is read when the app is created, not
 * when this file is imported: tests build apps with different environments in one process.
 */
@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    // Validated here too, to decide which modules exist: the throttler guard costs every request
    // a few metadata reads even when it would skip, so without a limit it is not installed.
    const rateLimit = validateEnv(process.env);
    const throttling =
      rateLimit.RATE_LIMIT_MAX > 0
        ? {
            imports: [
              ThrottlerModule.forRoot(
                throttlerOptions(rateLimit.RATE_LIMIT_TTL, rateLimit.RATE_LIMIT_MAX),
              ),
            ],
            providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
          }
        : { imports: [], providers: [] };
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
        EngagementModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (env: EnvService) => ({
            configPath: env.get('CONFIG_PATH', { infer: true }),
            modelsDir: env.get('MODELS_DIR', { infer: true }),
          }),
        }),
        HealthModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (env: EnvService) => ({
            serviceName: APP_INFO.name,
            version: APP_INFO.version,
            requireModels: env.get('REQUIRE_MODELS', { infer: true }),
          }),
        }),
        ...throttling.imports,
        MetricsModule,
      ],
      controllers: [AppController, EngagementController],
      providers: [
        AnalyzeRequestPipe,
        AnalyzeBatchPipe,
        AnalysisTelemetry,
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ...throttling.providers,
      ],
    };
  }
}
