import type { PortableEngineState } from '@app/engagement';
import type { CalendarDay } from '@app/learner';
import type { BatchRefusal, BatchSummary } from './batch-answer';

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
    };

/** A batch thread's answer to one batch. */
export type FromBatchThread =
  | { readonly id: number; readonly kind: 'answered'; readonly summary: BatchSummary }
  | { readonly id: number; readonly kind: 'refused'; readonly refusal: BatchRefusal }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string };
