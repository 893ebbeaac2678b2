import type { AnalysisView, EngagementAnalysis } from '@app/contract';
import type { DecisionLogRequest, PortableEngineState } from '@app/engagement/engine';
import type { CalendarDay, NudgeType } from '@app/learner';
import type { MadeLine } from '../decision-log/decision-log.service';
import type { SharedSlotsData } from '@app/contract';
import type { BatchTally } from './batch-answer';
import type { Refusal } from './refusal';

/** What an engine thread starts with (its worker data). */
export interface EngineThreadData {
  /** A batch thread's answer slots (SharedSlots); a thread without them transfers each chunk. */
  readonly answerSlots?: SharedSlotsData;
}

/** What every request to an engine thread carries besides its kind. */
export interface ThreadRequest {
  readonly id: number;
  /** The body as received, transferred, not copied. */
  readonly body: Uint8Array;
  /** For requests and items without `as_of`: the event loop's today, so threads agree with it. */
  readonly today: CalendarDay;
  readonly acceptLanguage: string | undefined;
  /** How much of each answer the client asked for (`?view=`). */
  readonly view: AnalysisView;
  /** With the decision log on, how much of each request its line keeps. */
  readonly decisionLog: DecisionLogRequest | undefined;
}

/**
 * What the event loop sends an engine thread. Messages arrive in order, so a request is
 * answered with the last state sent before it.
 */
export type ToEngineThread =
  | { readonly kind: 'state'; readonly state: PortableEngineState }
  | (ThreadRequest & { readonly kind: 'batch'; readonly maxItems: number })
  | (ThreadRequest & { readonly kind: 'analyze' });

/** What the request log and the nudge counters record of a single answer. */
export interface AnalysisSummary {
  readonly decisionId: string;
  readonly userId: string;
  readonly nudges: readonly (readonly [type: NudgeType, source: 'rule' | 'ml'])[];
}

export function analysisSummary(analysis: EngagementAnalysis): AnalysisSummary {
  return {
    decisionId: analysis.decision_id,
    userId: analysis.user_id,
    nudges: analysis.nudges.map((nudge) => [nudge.type, nudge.source] as const),
  };
}

/**
 * An engine thread's answer: to a batch, a refusal, or the answer's chunks as they are written
 * (each in one of the thread's answer slots, see SharedSlots, or else transferred, not copied),
 * with the decision log's lines of the items answered so far, and then its tally; to a single
 * request, a refusal or its answer's JSON with its decision's line; to either, a failure (for a
 * batch, before or after some chunks).
 */
export type FromEngineThread =
  | { readonly id: number; readonly kind: 'chunk'; readonly chunk: Uint8Array }
  | { readonly id: number; readonly kind: 'slot'; readonly slot: number; readonly length: number }
  | {
      readonly id: number;
      readonly kind: 'decisions';
      readonly text: string;
      readonly lines: number;
    }
  | { readonly id: number; readonly kind: 'answered'; readonly tally: BatchTally }
  | {
      readonly id: number;
      readonly kind: 'analysis';
      /** The answer, in the view asked for, as the JSON the client gets. */
      readonly json: string;
      readonly summary: AnalysisSummary;
      /** With the decision log on: the decision's line, or why it could not be made. */
      readonly decision?: MadeLine;
    }
  | { readonly id: number; readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string };
