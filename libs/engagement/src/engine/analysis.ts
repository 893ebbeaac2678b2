import { FomoResult } from '@app/fomo';
import { Nudge } from './nudges';

/** The answer for one learner (the body of `POST /analyze-engagement`). */
export interface EngagementAnalysis {
  readonly user_id: string;
  readonly status: 'generated';
  readonly as_of: string;
  readonly nudges: readonly Nudge[];
  readonly fomo: FomoResult;
  readonly model_version: string | null;
}
