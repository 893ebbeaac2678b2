import type { AnalysisView } from '@app/contract';
import type { DecisionLogRequest, PortableEngineState } from '@app/engagement';
import type { CalendarDay } from '@app/learner';
import type { BatchRefusal, BatchTally } from './batch-answer';

/** What the event loop sends a batch thread. Messages arrive in order, so a batch is answered with the last state sent before it. */
export type ToBatchThread =
  | { readonly kind: 'state'; readonly state: PortableEngineState }
  | {
      readonly kind: 'batch';
      readonly id: number;
      /** The body as received, transferred, not copied. */
      readonly body: Uint8Array;
      /** For items and batches without `as_of`: the event loop's today, so threads agree with it. */
      readonly today: CalendarDay;
      readonly maxItems: number;
      readonly acceptLanguage: string | undefined;
      /** How much of each answer the client asked for (`?view=`). */
      readonly view: AnalysisView;
      /** With the decision log on, how much of each request its line keeps. */
      readonly decisionLog: DecisionLogRequest | undefined;
    };

/**
 * A batch thread's answer to one batch: a refusal, or the answer's chunks as they are written
 * (transferred, not copied), with the decision log's lines of the items answered so far, and
 * then its tally; or a failure, before or after some chunks.
 */
export type FromBatchThread =
  | { readonly id: number; readonly kind: 'chunk'; readonly chunk: Uint8Array }
  | {
      readonly id: number;
      readonly kind: 'decisions';
      readonly text: string;
      readonly lines: number;
    }
  | { readonly id: number; readonly kind: 'answered'; readonly tally: BatchTally }
  | { readonly id: number; readonly kind: 'refused'; readonly refusal: BatchRefusal }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string };
