import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EngagementAnalysis, ValidRequest } from '@app/contract';
import { decisionLineOf, DecisionLogRequest, DecisionObserver } from '@app/engagement';
import { parseDecisionLogTarget } from '../config/decision-log-target';
import { Env } from '../config/env.config';
import { Lifecycle } from '../process/lifecycle';
import { DecisionLogTally, DecisionSink, SinkHealth } from './decision-sink';
import { FileDecisionSink } from './file-sink';
import { ThreadedHttpSink } from './threaded-http-sink';

export const DECISION_LOG_LIFECYCLE = Symbol('DECISION_LOG_LIFECYCLE');

/**
 * Lines are gathered into pieces of about this many characters (or HELD_MS) before they go to a
 * sink that does not take each line (DecisionSink.eachLine: the file's): a piece per line cost
 * the event loop a write (or, before the collector's ring, a message to its thread) each, 38 µs
 * a line at 1,000 requests a second. Kept short-lived, so the text held does not outlive
 * the young generation: gathering 64 K characters for up to 50 ms left one run in four with a p99
 * four times that without the log (1,000 req/s offered, one worker, a 2-core VM).
 */
const HELD_CHARS = 16 * 1024;
/**
 * A gathered piece stays within a twelfth of DECISION_LOG_BUFFER_BYTES in characters (a quarter
 * in bytes: a UTF-16 unit is at most 3 bytes of UTF-8), so a small buffer is never handed one
 * piece larger than it can take, which its sink would drop whole.
 */
const HELD_SHARE_OF_BUFFER = 12;
/** Lines wait at most this long to be gathered: a quiet service still hands them on. */
const HELD_MS = 10;

/** A decision's line, or why it could not be made. */
export type MadeLine = { readonly line: string } | { readonly error: string };

/** The log as /health reports it. */
export type DecisionLogHealth =
  | { readonly mode: 'off' }
  | (SinkHealth & {
      readonly mode: 'file' | 'http';
      readonly request: DecisionLogRequest;
      readonly dropped: number;
    });

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
        sink: new ThreadedHttpSink(
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
  /** What the event loop counts; `tally` adds what the sink counts on its thread. */
  private readonly own = new DecisionLogTally();
  /** How much of the request a line keeps; undefined when the log is off. */
  readonly keep: DecisionLogRequest | undefined;
  /** For the engine to tell of each decision made (record); undefined when the log is off. */
  readonly observe: DecisionObserver | undefined;
  private readonly logger = new Logger('DecisionLog');
  private readonly mode: 'file' | 'http' | undefined;
  private readonly sink: DecisionSink | undefined;
  private readonly shutdownMs: number;
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
    const chosen = sinkFor(env, this.own, this.logger);
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

  /** What the log has done since the start, on every thread. */
  get tally(): DecisionLogTally {
    return this.sink?.tallied?.(this.own) ?? this.own;
  }

  /**
   * Logs the decision just made for `valid` from `features`: its line is built now, while the
   * request and the answer are at hand, and written, or gathered with the next ones for a sink
   * that does not take each line (heldChars, HELD_MS).
   * Building it later, once the turn of the event loop was over, kept every request and answer
   * of the turn alive until then, and more of them lived into the old generation.
   */
  private record(valid: ValidRequest, analysis: EngagementAnalysis, features: Float64Array): void {
    if (this.keep === undefined) return;
    let made: MadeLine;
    try {
      made = { line: decisionLineOf(valid, analysis, this.keep, features) };
    } catch (error) {
      made = { error: (error as Error).message };
    }
    this.recordMade(analysis.decision_id, made);
  }

  /**
   * Logs a decision's line made for it (by the event loop, or by a request thread), or counts
   * it dropped, with why, when it could not be made.
   */
  recordMade(decisionId: string, made: MadeLine): void {
    if (this.sink === undefined) return;
    this.own.recorded++;
    if ('error' in made) {
      this.own.dropped++;
      this.logger.error(`decision ${decisionId} not logged: ${made.error}`);
      return;
    }
    const { line } = made;
    if (this.sink.eachLine === true) return this.sink.write(line, 1);
    this.heldText += line;
    this.heldLines++;
    if (this.heldText.length >= this.heldChars) this.writeHeld();
    else this.heldTimer ??= setTimeout(() => this.writeHeld(), HELD_MS).unref();
  }

  /** Hands the lines gathered to the sink. */
  private writeHeld(): void {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    if (this.sink === undefined || this.heldLines === 0) return;
    const [text, lines] = [this.heldText, this.heldLines];
    this.heldText = '';
    this.heldLines = 0;
    this.sink.write(text, lines);
  }

  /** Logs lines a batch thread made (`lines` of them, newlines included), after those held. */
  recordLines(text: string, lines: number): void {
    if (this.sink === undefined || lines === 0) return;
    this.own.recorded += lines;
    this.writeHeld();
    this.sink.write(text, lines);
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
    this.writeHeld();
    await this.sink.close(this.lifecycle.deadline ?? Date.now() + this.shutdownMs);
    const { recorded, written, dropped } = this.tally;
    this.logger.log(
      `decision log closed: ${recorded} lines made, ${written} written, ${dropped} dropped`,
    );
  }
}
