import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EngagementAnalysis, ValidRequest } from '@app/contract';
import { decisionLineOf, DecisionLogRequest, DecisionObserver } from '@app/engagement';
import { parseDecisionLogTarget } from '../config/decision-log-target';
import { Env } from '../config/env.config';
import { Lifecycle } from '../process/lifecycle';
import { DecisionLogTally, DecisionSink, SinkHealth } from './decision-sink';
import { FileDecisionSink } from './file-sink';
import { HttpDecisionSink } from './http-sink';
import { lineChunk } from './line-queue';

export const DECISION_LOG_LIFECYCLE = Symbol('DECISION_LOG_LIFECYCLE');

/**
 * The turns' lines are gathered into chunks of about this many characters (or HELD_MS) before
 * they go to the sink: a turn makes one to a few lines, and a Buffer and a queue entry for each
 * turn's lines, kept until their batch left, showed in the answers' throughput. Four rounds of
 * 20 s runs, one worker, 32 connections, a 2-core VM: 1,960 req/s with a chunk per turn, 2,124
 * gathered, 2,057 without the log (single runs spread by ±10%).
 */
const HELD_CHARS = 64 * 1024;
/**
 * A gathered chunk stays within a twelfth of DECISION_LOG_BUFFER_BYTES in characters (a quarter
 * in bytes: a UTF-16 unit is at most 3 bytes of UTF-8), so a small buffer is never handed one
 * chunk larger than it can take, which its sink would drop whole.
 */
const HELD_SHARE_OF_BUFFER = 12;
/** Lines wait at most this long to be gathered: a quiet service still hands them on. */
const HELD_MS = 50;

/** The log as /health reports it. */
export type DecisionLogHealth =
  | { readonly mode: 'off' }
  | (SinkHealth & {
      readonly mode: 'file' | 'http';
      readonly request: DecisionLogRequest;
      readonly dropped: number;
    });

/** A decision whose line is yet to be built. */
interface Decided {
  readonly valid: ValidRequest;
  readonly analysis: EngagementAnalysis;
  readonly features: Float64Array;
}

function sinkFor(env: ConfigService<Env, true>, tally: DecisionLogTally, logger: Logger) {
  const target = parseDecisionLogTarget(env.get('DECISION_LOG', { infer: true }));
  const bufferBytes = env.get('DECISION_LOG_BUFFER_BYTES', { infer: true });
  switch (target?.kind) {
    case 'file':
      return {
        mode: target.kind,
        sink: new FileDecisionSink(
          {
            path: target.path,
            maxBytes: env.get('DECISION_LOG_MAX_BYTES', { infer: true }),
            bufferBytes,
          },
          tally,
          logger,
        ),
      };
    case 'http':
      return {
        mode: target.kind,
        sink: new HttpDecisionSink(
          {
            url: target.url,
            flushMs: env.get('DECISION_LOG_FLUSH_MS', { infer: true }),
            batchBytes: env.get('DECISION_LOG_BATCH_BYTES', { infer: true }),
            bufferBytes,
            timeoutMs: env.get('DECISION_LOG_TIMEOUT_MS', { infer: true }),
          },
          tally,
          logger,
        ),
      };
    default:
      return undefined;
  }
}

/**
 * The service's own decision log (DECISION_LOG): a line of decisions.ndjson for every decision
 * the single and batch endpoints make, written to files or posted to a collector. Recording a
 * line never waits on the destination and never fails the request: what cannot be written in
 * time is dropped and counted (decision_log_dropped_total).
 */
@Injectable()
export class DecisionLog implements OnApplicationShutdown {
  readonly tally = new DecisionLogTally();
  /** How much of the request a line keeps; undefined when the log is off. */
  readonly keep: DecisionLogRequest | undefined;
  /** For the engine to tell of each decision made (record); undefined when the log is off. */
  readonly observe: DecisionObserver | undefined;
  private readonly logger = new Logger('DecisionLog');
  private readonly mode: 'file' | 'http' | undefined;
  private readonly sink: DecisionSink | undefined;
  private readonly shutdownMs: number;
  /** Decisions recorded in this turn of the event loop, their lines not yet built. */
  private decided: Decided[] = [];
  /** Lines built and not yet handed to the sink (heldChars, HELD_MS). */
  private heldText = '';
  private heldLines = 0;
  private heldTimer: NodeJS.Timeout | undefined;
  /** HELD_CHARS, or less for a small buffer (HELD_SHARE_OF_BUFFER). */
  private readonly heldChars: number;

  constructor(
    env: ConfigService<Env, true>,
    @Inject(DECISION_LOG_LIFECYCLE) private readonly lifecycle: Lifecycle,
  ) {
    const chosen = sinkFor(env, this.tally, this.logger);
    this.mode = chosen?.mode;
    this.sink = chosen?.sink;
    this.keep = chosen === undefined ? undefined : env.get('DECISION_LOG_REQUEST', { infer: true });
    this.shutdownMs = env.get('SHUTDOWN_TIMEOUT_MS', { infer: true });
    this.heldChars = Math.min(
      HELD_CHARS,
      Math.floor(env.get('DECISION_LOG_BUFFER_BYTES', { infer: true }) / HELD_SHARE_OF_BUFFER),
    );
    this.observe =
      chosen === undefined
        ? undefined
        : (valid, analysis, features) => this.record(valid, analysis, features);
  }

  get bufferedBytes(): number {
    return (this.sink?.bufferedBytes ?? 0) + Buffer.byteLength(this.heldText);
  }

  /**
   * Logs the decision just made for `valid` from `features`. Its line is built once the turn of
   * the event loop is over (setImmediate), with the turn's other decisions, after the answers
   * were written: an answer never waits on its line. The lines of the turns that follow are
   * gathered and reach the sink together (heldChars).
   */
  private record(valid: ValidRequest, analysis: EngagementAnalysis, features: Float64Array): void {
    if (this.sink === undefined) return;
    this.tally.recorded++;
    if (this.decided.length === 0) setImmediate(() => this.writeDecided());
    this.decided.push({ valid, analysis, features });
  }

  /** Builds the lines of the decisions recorded and writes them to the sink. */
  private writeDecided(): void {
    if (this.sink === undefined || this.keep === undefined || this.decided.length === 0) return;
    const decided = this.decided;
    this.decided = [];
    let text = '';
    let lines = 0;
    for (const { valid, analysis, features } of decided) {
      try {
        text += decisionLineOf(valid, analysis, this.keep, features);
        lines++;
      } catch (error) {
        this.tally.dropped++;
        this.logger.error(
          `decision ${analysis.decision_id} not logged: ${(error as Error).message}`,
        );
      }
    }
    if (lines === 0) return;
    this.heldText += text;
    this.heldLines += lines;
    if (this.heldText.length >= this.heldChars) this.writeHeld();
    else this.heldTimer ??= setTimeout(() => this.writeHeld(), HELD_MS).unref();
  }

  /** Hands the lines gathered to the sink. */
  private writeHeld(): void {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    if (this.sink === undefined || this.heldLines === 0) return;
    const chunk = lineChunk(this.heldText, this.heldLines);
    this.heldText = '';
    this.heldLines = 0;
    this.sink.write(chunk);
  }

  /** Logs lines a batch thread made (`lines` of them, newlines included), after those held. */
  recordLines(text: string, lines: number): void {
    if (this.sink === undefined || lines === 0) return;
    this.tally.recorded += lines;
    this.writeHeld();
    this.sink.write(lineChunk(text, lines));
  }

  health(): DecisionLogHealth {
    if (this.sink === undefined || this.mode === undefined || this.keep === undefined) {
      return { mode: 'off' };
    }
    return {
      mode: this.mode,
      request: this.keep,
      ...this.sink.health(),
      dropped: this.tally.dropped,
    };
  }

  /**
   * Runs after the connections have drained: what is held is written or delivered until the
   * shutdown's deadline (SHUTDOWN_TIMEOUT_MS from now when the app closes without a signal).
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.sink === undefined) return;
    this.writeDecided();
    this.writeHeld();
    await this.sink.close(this.lifecycle.deadline ?? Date.now() + this.shutdownMs);
    const { recorded, written, dropped } = this.tally;
    this.logger.log(
      `decision log closed: ${recorded} lines made, ${written} written, ${dropped} dropped`,
    );
  }
}
