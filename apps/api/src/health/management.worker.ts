import { INestApplication, ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { isToWorker, tellSupervisor, type ToSupervisor } from '../process/supervisor-channel';
import { MetricsService } from '../metrics/metrics.service';
import { HealthController } from './health.controller';
import { REPORT_EVERY_MS } from './management.cluster';

/**
 * The worker's side of a supervisor's management listener (management.cluster.ts): its
 * readiness every REPORT_EVERY_MS, and its metrics when asked. Apart from the supervisor's side,
 * which must not load the framework this needs. Timers are unref'd: they never keep a draining
 * worker alive.
 */
export function reportToSupervisor(app: INestApplication): void {
  const health = app.get(HealthController);
  const metrics = app.get(MetricsService);
  const send = async (): Promise<void> => {
    let message: ToSupervisor;
    try {
      message = { kind: 'readiness', ready: true, report: await health.ready() };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const report = error.getResponse() as HealthCheckResult;
      message = { kind: 'readiness', ready: false, report };
    }
    tellSupervisor(message);
  };
  void send();
  setInterval(() => void send().catch(() => undefined), REPORT_EVERY_MS).unref();
  process.on('message', (message: unknown) => {
    if (!isToWorker(message) || message.kind !== 'metrics?') return;
    const { id } = message;
    void metrics.registry.getMetricsAsJSON().then((json) => {
      tellSupervisor({ kind: 'metrics', id, metrics: json });
    });
  });
}
