import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigService } from '@nestjs/config';
import type { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { LiveEngine, loadEngineConfig } from '@app/engagement';
import { MlService } from '@app/ml';
import { createApp } from './app.setup';
import { type Env, validateEnv } from './config/env.config';
import { listenManagement } from './health/management.server';
import { reportToSupervisor } from './health/management.worker';
import { ROOT_LOGGER } from './logging/root-logger';
import { MetricsService } from './metrics/metrics.service';
import { ConnectionDrain } from './process/connection-drain';
import type { Lifecycle } from './process/lifecycle';
import { reloadOnSignalAndChange } from './process/reload';
import { exitOnSignals } from './process/shutdown';
import { failStart } from './process/start-failure';
import { askSupervisorForState, tellSupervisor } from './process/supervisor-channel';

/**
 * The process that serves the API: the only one with WORKERS=1, each worker under node:cluster.
 * main.ts loads this file only then, so a supervisor never loads the framework and the engine.
 */
export async function serve(): Promise<void> {
  const lifecycle: Lifecycle = { draining: false };
  let app: INestApplication;
  try {
    // A replacement worker starts from what the service serves, not from files it may have refused.
    const startFrom = await askSupervisorForState();
    // Checked before Nest starts, so a bad key is one line, not a framework stack trace.
    if (startFrom === undefined) loadEngineConfig(validateEnv(process.env).CONFIG_PATH);
    app = await createApp(lifecycle, startFrom);
  } catch (error) {
    failStart(error);
  }
  const env = app.get<ConfigService<Env, true>>(ConfigService);
  exitOnSignals(app, lifecycle, new ConnectionDrain(app.getHttpServer() as Server), {
    delayMs: env.get('SHUTDOWN_DELAY_MS', { infer: true }),
    timeoutMs: env.get('SHUTDOWN_TIMEOUT_MS', { infer: true }),
  });
  const port = env.get('PORT', { infer: true });
  const host = env.get('HOST', { infer: true });
  await app.listen(port, host);
  const managementPort = env.get('MANAGEMENT_PORT', { infer: true });
  const managementHost = env.get('MANAGEMENT_HOST', { infer: true }) || host;
  // Under node:cluster the supervisor listens on the management port, from the workers' reports.
  if (managementPort > 0 && cluster.isWorker) reportToSupervisor(app);
  else if (managementPort > 0) {
    const timeoutMs = env.get('REQUEST_TIMEOUT_MS', { infer: true });
    await listenManagement(app, managementPort, managementHost, timeoutMs);
  }
  const ml = app.get(MlService).status();
  // One line saying where and how the service answers, for whoever reads the start-up log.
  app.get<PinoLogger>(ROOT_LOGGER, { strict: false }).info(
    {
      url: `http://${host}:${port}`,
      ...(managementPort > 0 && { management_url: `http://${managementHost}:${managementPort}` }),
      adapter: env.get('HTTP_ADAPTER', { infer: true }),
      mode: ml.mode,
      model_version: ml.modelVersion,
    },
    'listening',
  );
  // Ready: reloads from now on (a SIGHUP during start-up was kept for this moment), and the
  // supervisor learns what this worker serves, for a replacement to start from.
  const live = app.get(LiveEngine);
  const metrics = app.get(MetricsService);
  tellSupervisor({ kind: 'serving', state: live.handOver });
  reloadOnSignalAndChange(live, {
    configPath: env.get('CONFIG_PATH', { infer: true }),
    modelsDir: env.get('MODELS_DIR', { infer: true }),
    watchMs: env.get('CONFIG_WATCH_MS', { infer: true }),
    onReload: (result) => {
      metrics.countReload(result);
      if (result.ok) tellSupervisor({ kind: 'serving', state: live.handOver });
    },
  });
}
