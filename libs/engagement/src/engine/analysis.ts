import { FomoResult } from '@app/fomo';
import { InvalidRequestBody } from '../validation/invalid-request';
import { Nudge } from './render';

/** The answer for one learner (the body of `POST /analyze-engagement`). */
export interface EngagementAnalysis {
  readonly user_id: string;
  readonly status: 'generated';
  readonly as_of: string;
  /** The language the titles, actions and reasons are in. */
  readonly locale: string;
  readonly nudges: readonly Nudge[];
  readonly fomo: FomoResult;
  readonly model_version: string | null;
}

/** A batch item that failed validation; its neighbours are answered regardless. */
export interface BatchItemError {
  readonly index: number;
  readonly error: InvalidRequestBody;
}

export type BatchResult = EngagementAnalysis | BatchItemError;
