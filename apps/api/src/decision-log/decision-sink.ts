/** What the decision log has done since the start; the metrics and /health read it. */
export class DecisionLogTally {
  /** Lines the service recorded: one per decision made. */
  recorded = 0;
  /** Lines written to a file or delivered to the collector. */
  written = 0;
  /** Their bytes, uncompressed. */
  writtenBytes = 0;
  /** Batches the collector accepted. */
  batches = 0;
  /** Deliveries tried again after a failure. */
  retries = 0;
  /** Lines lost: pushed out of a full buffer, refused by the collector, or left at shutdown. */
  dropped = 0;
}

/** Where the lines go, as /health describes it. */
export interface SinkHealth {
  readonly target: string;
  /** True while deliveries fail or lines are being dropped. */
  readonly degraded: boolean;
  readonly buffered_bytes: number;
  readonly last_error: string | null;
}

/** A destination of decision lines. `write` never blocks and never throws. */
export interface DecisionSink {
  /** Takes `lines` whole lines, newlines included. */
  write(text: string, lines: number): void;
  /**
   * True when a line costs `write` no more than its share of a gathered piece would: the log
   * then writes each line as it is made instead of gathering them first.
   */
  readonly eachLine?: boolean;
  /** Bytes held in memory, not yet written or delivered. */
  readonly bufferedBytes: number;
  health(): SinkHealth;
  /** Writes or delivers what is held, until `deadline` (epoch ms); what is left is dropped. */
  close(deadline: number): Promise<void>;
  /** The tally with what the sink counts elsewhere (another thread) added; `own` if nothing. */
  tallied?(own: DecisionLogTally): DecisionLogTally;
}
