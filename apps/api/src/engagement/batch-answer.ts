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

/**
 * Where a writer puts each chunk of UTF-8 it encodes. The chunk is a view of the writer's own
 * buffer, which it writes again after the call: a sink copies what it keeps.
 */
export type ChunkSink = (chunk: Uint8Array) => void;

/**
 * The most bytes a chunk of an answer holds (a result longer than that alone aside): the answer
 * is never held as one large string, and a chunk fits a batch thread's answer slot.
 */
export const ANSWER_CHUNK_BYTES = 1 << 20;

const COMMA = 0x2c;

/**
 * Writes a batch's answer as its items are made: each result is serialized once, when it is
 * added, and written as UTF-8 after the results before it (see Utf8Builder); they go to the
 * sink in chunks of up to ANSWER_CHUNK_BYTES, each sent before the result that would not fit it
 * (a result longer than that is a chunk of its own). An answer is several times its
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
    // What waits goes first when the text (and its comma) would take it past chunkBytes: a chunk
    // then fits a batch thread's answer slot (SharedSlots), and the buffer stops growing. The
    // bytes are counted only near the end (a UTF-16 unit takes 3 bytes at most).
    const room = this.chunkBytes - this.waiting.byteLength - 1;
    if (
      this.waiting.byteLength > 0 &&
      3 * text.length > room &&
      Buffer.byteLength(text, 'utf8') > room
    ) {
      this.sendWaiting();
    }
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
    // One buffer for every chunk: the sink copies the bytes (into an answer slot, or a buffer
    // it transfers), so the writer allocates no memory per chunk.
    const chunk = this.waiting.view();
    this.bytes += chunk.byteLength;
    this.sink(chunk);
    this.waiting.clear();
  }
}
