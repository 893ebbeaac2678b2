import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LiveEngine, ReloadResult } from '@app/engagement';
import { NudgeType } from '@app/learner';
import { MlService } from '@app/ml';
import { APP_INFO } from '../config/app-info';
import { DecisionLog } from '../decision-log/decision-log.service';
import type { DecisionLogTally } from '../decision-log/decision-sink';
import { Admission, REFUSAL_REASONS } from '../front-door/admission.gate';
import type { RequestObserver } from '../front-door/request-observer';

/** The service's Prometheus metrics, in a registry of its own (tests build several apps). */
@Injectable()
export class MetricsService implements RequestObserver {
  readonly registry = new Registry();

  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly nudges = new Counter({
    name: 'nudges_total',
    help: 'Nudges returned, by type and source (rule or ml).',
    labelNames: ['type', 'source'] as const,
    registers: [this.registry],
  });

  private readonly reloads = new Counter({
    name: 'engine_reloads_total',
    help: 'Reloads of the config and models, by result: ok, or refused (the old ones kept serving).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor(ml: MlService, live: LiveEngine, admission: Admission, decisionLog: DecisionLog) {
    collectDefaultMetrics({ register: this.registry });
    this.decisionLogMetrics(decisionLog);
    new Gauge({
      name: 'http_requests_in_flight',
      help: 'Requests being answered, as admission control counts them (probes and /metrics aside).',
      registers: [this.registry],
      collect() {
        this.set(admission.inFlight);
      },
    });
    new Gauge({
      name: 'http_batch_bytes_in_flight',
      help: 'Batch body bytes being answered, by Content-Length (BATCH_BODY_LIMIT when chunked).',
      registers: [this.registry],
      collect() {
        this.set(admission.batchBytesInFlight);
      },
    });
    new Counter({
      name: 'http_requests_refused_total',
      help: 'Requests answered 503 by admission control, by the bound that refused them.',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reason of REFUSAL_REASONS) {
          this.inc({ reason }, admission.refused(reason));
        }
      },
    });
    new Gauge({
      name: 'models_loaded',
      help: 'Models serving predictions; 0 in rules-only mode.',
      registers: [this.registry],
      // Summed over workers by the supervisor's management port, these say the worst worker.
      aggregator: 'min',
      collect() {
        this.set(ml.status().models.length);
      },
    });
    new Gauge({
      name: 'models_degraded',
      help: '1 when the models could not be loaded and only the rules answer.',
      registers: [this.registry],
      aggregator: 'max',
      collect() {
        this.set(ml.status().mode === 'ml' ? 0 : 1);
      },
    });
    new Gauge({
      name: 'build_info',
      help: 'Always 1; the labels say what is running.',
      labelNames: ['version', 'model_version', 'config_hash', 'tfjs_backend'] as const,
      registers: [this.registry],
      aggregator: 'max',
      collect() {
        const status = ml.status();
        this.reset();
        this.set(
          {
            version: APP_INFO.version,
            model_version: status.modelVersion ?? 'none',
            config_hash: live.config.hash,
            tfjs_backend: status.tfjsBackend,
          },
          1,
        );
      },
    });
  }

  /**
   * How many of the batch threads' answer slots hold a chunk a response has not finished with
   * (SharedSlots), read from `taken` when scraped. All of them taken means slow clients: the
   * threads then transfer chunks instead, which costs the event loop full collections.
   */
  batchAnswerSlots(taken: () => number): void {
    new Gauge({
      name: 'batch_answer_slots_taken',
      help: 'Batch answer slots (memory each batch thread shares with the event loop) holding a chunk not yet sent.',
      registers: [this.registry],
      collect() {
        this.set(taken());
      },
    });
  }

  /** The decision log's counts, read from its tally when scraped. */
  private decisionLogMetrics(decisionLog: DecisionLog): void {
    const counters: [string, string, keyof DecisionLogTally][] = [
      ['decision_log_lines_total', 'Decision lines made: one per decision.', 'recorded'],
      [
        'decision_log_written_lines_total',
        'Decision lines written to a file or delivered to the collector.',
        'written',
      ],
      ['decision_log_written_bytes_total', 'Bytes of those lines, uncompressed.', 'writtenBytes'],
      ['decision_log_batches_total', 'Batches the collector accepted.', 'batches'],
      ['decision_log_retries_total', 'Posts to the collector tried again.', 'retries'],
      [
        'decision_log_dropped_total',
        'Decision lines lost: pushed out of a full buffer, refused by the collector or left at shutdown.',
        'dropped',
      ],
    ];
    for (const [name, help, field] of counters) {
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(decisionLog.tally[field]);
        },
      });
    }
    new Gauge({
      name: 'decision_log_buffer_bytes',
      help: 'Decision-line bytes held in memory, not yet written or delivered.',
      registers: [this.registry],
      collect() {
        this.set(decisionLog.bufferedBytes);
      },
    });
  }

  requestDone(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status }, seconds);
  }

  countReload(result: ReloadResult): void {
    this.reloads.inc({ result: result.ok ? 'ok' : 'refused' });
  }

  countNudges(type: NudgeType, source: 'rule' | 'ml', count: number): void {
    this.nudges.inc({ type, source }, count);
  }
}
