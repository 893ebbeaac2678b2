import { AnalysisView, BatchResult, batchResultInView, Utf8Builder } from '@app/contract';
import { NudgeType } from '@app/learner';

/** Nudges a batch answered, by type and source, for the nudge counters. */
export type NudgeTally = readonly (readonly [
  type: NudgeType,
  source: 'rule' | 'ml',
  count: number,
])[];

/** What a batch's log line and metrics record of its answer. */
export interface BatchTally {
  /** The answer's length in bytes. */
  readonly bytes: number;
  readonly items: number;
  readonly failed: number;
  readonly nudges: NudgeTally;
}

/** Where a writer puts each chunk of UTF-8 it encodes; the chunk owns its buffer. */
export type ChunkSink = (chunk: Uint8Array) => void;

/** Text is encoded once this much of it waits: the answer is never held as one large string. */
export const ANSWER_CHUNK_BYTES = 1 << 20;

const COMMA = 0x2c;

/**
 * Writes a batch's answer as its items are made: each result is serialized once, when it is
 * added, and written as UTF-8 after the results before it (see Utf8Builder); once about
 * ANSWER_CHUNK_BYTES wait, they go to the sink as one chunk. An answer is several times its
 * request (about 25 MB for a 5 MB batch): a batch thread hands each chunk to the event loop,
 * which sends it, so the answer is never held whole, let alone as one string copied between
 * threads. The text is `{"results":[…]}`, as a JSON body of `{ results }` would be, each answer
 * in `view`.
 */
export class BatchAnswerWriter {
  private readonly waiting = new Utf8Builder();
  private bytes = 0;
  private items = 0;
  private failed = 0;
  private readonly tally = new Map<string, [NudgeType, 'rule' | 'ml', number]>();

  constructor(
    private readonly sink: ChunkSink,
    private readonly view: AnalysisView = 'full',
    private readonly chunkBytes = ANSWER_CHUNK_BYTES,
  ) {
    this.waiting.append('{"results":[');
  }

  add(result: BatchResult): void {
    const text = JSON.stringify(batchResultInView(result, this.view));
    if (this.items++ > 0) this.waiting.appendAscii(COMMA);
    this.waiting.append(text);
    if (this.waiting.byteLength >= this.chunkBytes) this.sendWaiting();
    if (result.kind === 'error') {
      this.failed++;
      return;
    }
    for (const { type, source } of result.nudges) {
      const key = `${type}/${source}`;
      const entry = this.tally.get(key);
      if (entry === undefined) this.tally.set(key, [type, source, 1]);
      else entry[2]++;
    }
  }

  /** Ends the answer: its last chunk goes to the sink, and its tally is returned. */
  finish(): BatchTally {
    this.waiting.append(']}');
    this.sendWaiting();
    return {
      bytes: this.bytes,
      items: this.items,
      failed: this.failed,
      nudges: [...this.tally.values()],
    };
  }

  private sendWaiting(): void {
    // Each chunk has an ArrayBuffer of its own, which postMessage can transfer.
    const chunk = this.waiting.take();
    this.bytes += chunk.byteLength;
    this.sink(chunk);
  }
}
