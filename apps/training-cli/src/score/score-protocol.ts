import type { AnalysisView, SharedSlotsData } from '@app/contract';
import type { DecisionLogRequest, PortableEngineState } from '@app/engagement/engine';

/**
 * What the scoring threads say to each other. A thread starts with this as its data, and is then
 * sent the engine state (ScoreStart), as the API's batch threads are: it never reads a file.
 */
export interface ScoreWorkerData {
  readonly asOf: number;
  /** How much of each answer is written (`--view`). */
  readonly view: AnalysisView;
  /** With `--decisions-out`: how much of each request a decision's line keeps. */
  readonly decisions?: DecisionLogRequest;
  /** Where the main thread writes blocks of lines; the thread frees a slot once it is scored. */
  readonly inputSlots: SharedSlotsData;
  /** Where the thread writes a block's answers; the main thread frees a slot once written. */
  readonly outputSlots: SharedSlotsData;
}

/**
 * Bytes a message carries: the first `length` bytes of a shared slot (see SharedSlots), or, when
 * none was free or they were too many for one, a buffer of their own, transferred.
 */
export type BlockBytes = Uint8Array | { readonly slot: number; readonly length: number };

/**
 * A thread's first message: the engine state, read by the main thread while the thread loaded.
 * The thread answers `ready` once its engine is built, or `failed`.
 */
export interface ScoreStart {
  readonly state: PortableEngineState;
}

/**
 * Whole lines of the input, as bytes; `first` is the 1-based number of the first line. The last
 * line may lack its newline only at the end of the file.
 */
export interface ScoreBlock {
  readonly seq: number;
  readonly first: number;
  readonly bytes: BlockBytes;
}

export type WorkerMessage =
  | { readonly kind: 'ready'; readonly modelVersion: string | null }
  | {
      readonly kind: 'scored';
      readonly seq: number;
      /** The answers, one per input line, UTF-8 encoded and newline-terminated. */
      readonly output: BlockBytes;
      /** The decisions log's lines of the answered lines (empty without `--decisions-out`). */
      readonly decisions: BlockBytes;
      readonly lines: number;
      readonly errors: number;
    }
  | { readonly kind: 'failed'; readonly message: string };
