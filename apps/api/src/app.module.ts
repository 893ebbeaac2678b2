import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { EngagementModule, HandedOverState } from '@app/engagement';
import { Env, validateEnv } from './config/env.config';
import { DecisionLogModule } from './decision-log/decision-log.module';
import { Admission } from './front-door/admission.gate';
import { AnalysisTelemetryService } from './engagement/analysis-telemetry.service';
import { BatchService } from './engagement/batch.service';
import { ENGINE_WORKER_SCRIPT, BUILT_WORKER_SCRIPT } from './engagement/engine-threads';
import { AnalyzeService } from './engagement/analyze.service';
import { EngagementController } from './engagement/engagement.controller';
import { ServiceInfoController } from './service/service-info.controller';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { HttpErrorFilter } from './errors/http-error.filter';
import { HTTP_SEAM } from './http/http-seam';
import { BODY_LIMITS } from './http/request-body';
import { seamFor } from './http/seams';
import { Lifecycle } from './process/lifecycle';
import { createRootLogger, nestLoggerParams, ROOT_LOGGER } from './logging/root-logger';

type EnvService = ConfigService<Env, true>;

/**
 * The HTTP service. A dynamic module so the environment is read when the app is created, not
 * when this file is imported: tests build apps with different environments in one process.
 */
@Module({})
export class AppModule {
  /**
   * `lifecycle` is shared with the signal handler; readiness fails once it is draining.
   * `startFrom`: the engine state to start from instead of the files (see LiveEngine).
   */
  static forRoot(
    lifecycle: Lifecycle = { draining: false },
    startFrom?: HandedOverState,
  ): DynamicModule {
    // Validated here too, to decide which adapter's seam the app is built around.
    const env = validateEnv(process.env);
    // One per app: the front door counts into it, readiness and the metrics read it.
    const admission = new Admission({
      maxInFlight: env.MAX_IN_FLIGHT,
      maxBatchBytes: env.MAX_BATCH_BYTES_IN_FLIGHT,
      batchBodyLimit: env.BATCH_BODY_LIMIT,
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
    });
    admission.watchEventLoop();
    // One engine for the whole app: the modules below import this same object.
    const engagement = EngagementModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (env: EnvService) => ({
        configPath: env.get('CONFIG_PATH', { infer: true }),
        modelsDir: env.get('MODELS_DIR', { infer: true }),
        startFrom,
      }),
    });
    const decisionLog = DecisionLogModule.forRoot(lifecycle);
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
        decisionLog,
        HealthModule.register(engagement, decisionLog, {
          requireModels: env.REQUIRE_MODELS,
          lifecycle,
          httpAdapter: env.HTTP_ADAPTER,
          admission,
        }),
        MetricsModule.register(engagement, decisionLog, admission),
      ],
      controllers: [ServiceInfoController, EngagementController],
      providers: [
        AnalyzeService,
        BatchService,
        { provide: ENGINE_WORKER_SCRIPT, useValue: BUILT_WORKER_SCRIPT },
        AnalysisTelemetryService,
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: Admission, useValue: admission },
        { provide: HTTP_SEAM, useValue: seamFor(env.HTTP_ADAPTER) },
        {
          provide: BODY_LIMITS,
          useValue: { body: env.BODY_LIMIT, batch: env.BATCH_BODY_LIMIT },
        },
      ],
    };
  }
}
