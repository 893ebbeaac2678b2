/** What the scoring threads say to each other. */
export interface ScoreWorkerData {
  readonly configPath: string;
  readonly modelsDir: string;
  readonly asOf: number;
}

/** A run of consecutive input lines; `first` is the 1-based number of the first. */
export interface ScoreChunk {
  readonly seq: number;
  readonly first: number;
  readonly lines: readonly string[];
}

export type WorkerMessage =
  | { readonly kind: 'ready'; readonly modelVersion: string | null }
  | {
      readonly kind: 'scored';
      readonly seq: number;
      readonly output: string;
      readonly errors: number;
    }
  | { readonly kind: 'failed'; readonly message: string };
