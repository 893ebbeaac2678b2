import { ApiProperty } from '@nestjs/swagger';
import { NUDGE_TYPES, NudgeType, PRIORITIES, Priority } from '@app/learner';
import {
  AssignmentResult,
  CandidateNudge,
  EngagementAnalysis,
  SuppressionReason,
} from '../answer/analysis';
import { Nudge } from '../answer/nudge';
import { EXAMPLE_ANALYSIS } from './examples';

const [EXAMPLE_NUDGE] = EXAMPLE_ANALYSIS.nudges;

export class EvidenceDto {
  /** The rule's id, or `model_<type>` for a model. @example "resume_peer_gap" */
  rule!: string;

  /**
   * The request values the rule compared, or the model's probability and strongest
   * contributions. A value the learner's record cannot give is null: `days_since_last_quiz` of a
   * learner with no quiz date, `days_since_last_event` of one who never attended.
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      oneOf: [{ type: 'number', nullable: true }, { type: 'string' }, { type: 'boolean' }],
    },
    example: { batch_resume_uploaded_pct: 84, resume_uploaded: false },
  })
  inputs!: Record<string, number | string | boolean | null>;

  /** The threshold the rule or model fires at, in the units of its inputs. @example 70 */
  threshold!: number;
}

export class NudgeDto implements Nudge {
  @ApiProperty({ enum: NUDGE_TYPES, example: 'resume' })
  type!: NudgeType;

  /** The nudge in the reader's language. */
  @ApiProperty({ example: EXAMPLE_NUDGE.title })
  title!: string;

  /** @example "Upload your resume" */
  action!: string;

  @ApiProperty({ enum: PRIORITIES, example: 'high' })
  priority!: Priority;

  /** `rule` for a deterministic rule, `ml` for a model's prediction. */
  @ApiProperty({ enum: ['rule', 'ml'], example: 'rule' })
  source!: 'rule' | 'ml';

  /** The rule's strength or the model's probability, 0..1, 2 decimals. @example 0.84 */
  score!: number;

  /** The nudge's slot, 1 first. @example 1 */
  rank!: number;

  /** The probability that the policy put this nudge in this slot, given the candidates left (1 without exploration). @example 1 */
  propensity!: number;

  /** The catalog message of the title and action, for a client rendering its own copy. @example "resume_peer_gap" */
  message_key!: string;

  /** The values the message was rendered with (numbers, and text such as `gap`). */
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    example: { share: 0.84, pct: 84 },
  })
  params!: Record<string, string | number>;

  /** Why the nudge fired, in plain words, in the answer's locale. */
  @ApiProperty({
    type: [String],
    example: [
      "84% of this learner's batch have a resume and this learner has none (the rule fires above 70%).",
    ],
  })
  reasons!: string[];

  /** Why the nudge fired, as data: one entry per rule (or model) behind it. */
  evidence!: EvidenceDto[];

  /**
   * Other nudge types that ask for the same action (`comeback` and `event_fomo`: attend an event)
   * and were merged into this nudge, with their reasons and evidence; empty when none. The
   * decision log and the closed loop know the nudge by its `type` alone (`event_fomo` for a
   * merged event nudge, under every policy).
   */
  @ApiProperty({ enum: NUDGE_TYPES, isArray: true, example: [] })
  merged_types!: NudgeType[];
}

export class AssignmentDto implements AssignmentResult {
  /** Whether the learner is in the global holdout. @example false */
  holdout!: boolean;
  /** The learner's bucket in [0, 1): GrowthBook's hash v2 of `user_id` with the holdout salt. */
  @ApiProperty({ example: EXAMPLE_ANALYSIS.assignment.bucket })
  bucket!: number;
  /** The experiment the learner is in, if any (config `assignment.experiments[].key`). */
  experiment?: string;
  /** The experiment variant (config `assignment.experiments[].variants[].key`). */
  variant?: string;
}

export class SuppressedNudgeDto {
  @ApiProperty({ enum: NUDGE_TYPES, example: 'quiz' })
  type!: NudgeType;
  @ApiProperty({ enum: ['cooldown', 'weekly_cap', 'holdout', 'no_uplift'], example: 'cooldown' })
  reason!: SuppressionReason;
  /** The first day it may be sent again; null when no day is known. @example "2025-07-02" */
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2025-07-02' })
  eligible_again_on!: string | null;
  /** @example "A nudge about taking a quiz went out recently, so this one waits until July 2, 2025." */
  message!: string;
}

export class CandidateNudgeDto implements CandidateNudge {
  @ApiProperty({ enum: NUDGE_TYPES, example: 'resume' })
  type!: NudgeType;
  @ApiProperty({ enum: ['rule', 'ml'], example: 'rule' })
  source!: 'rule' | 'ml';
  /** The rule's strength or the model's probability, 2 decimals. @example 0.84 */
  score!: number;
}

export class FomoFactorsDto {
  /** @example 0.33 */
  buddies!: number;
  /** @example 0.7 */
  batch!: number;
  /** @example 0.53 */
  recency!: number;
}

export class FomoDto {
  /** @example 0.5 */
  score!: number;

  @ApiProperty({ enum: ['low', 'medium', 'high'], example: 'medium' })
  level!: 'low' | 'medium' | 'high';

  /** Null when the learner never attended an event. @example 16 */
  @ApiProperty({ type: Number, nullable: true, example: 16 })
  days_since_last_event!: number | null;

  factors!: FomoFactorsDto;
}

export class AnalyzeEngagementResponseDto implements EngagementAnalysis {
  /** @example "stu_7023" */
  user_id!: string;

  /** @example "generated" */
  /** `holdout` for a learner in the holdout group: no nudges, and `would_have_sent` says which. */
  @ApiProperty({ enum: ['generated', 'holdout'], example: 'generated' })
  status!: 'generated' | 'holdout';

  /** @example "2025-06-30" */
  @ApiProperty({ format: 'date', example: '2025-06-30' })
  as_of!: string;

  /** The language of titles, actions and reasons: en, es or hi. @example "en" */
  locale!: string;

  /** The caller's `decision_id`, or a UUIDv7 the service made. */
  @ApiProperty({ example: EXAMPLE_ANALYSIS.decision_id })
  decision_id!: string;

  assignment!: AssignmentDto;

  /** The model set, config hash and experiment variant that decided. */
  @ApiProperty({ example: EXAMPLE_ANALYSIS.policy_version })
  policy_version!: string;

  /** At most `max_nudges`, one per type, most important first; empty for an engaged learner. */
  nudges!: NudgeDto[];

  /** For a held-out learner only: the nudges they would have got, for ghost exposures. */
  @ApiProperty({ type: [NudgeDto], required: false })
  would_have_sent?: NudgeDto[];

  /**
   * The probability that the policy chose exactly these nudges (`would_have_sent` for a held-out
   * learner), in this order, and stopped there: the slots' propensities times, when exploring
   * stopped early, that of stopping. 1 without exploration. Log it: off-policy evaluation needs it.
   * @example 1
   */
  @ApiProperty({ minimum: 0, maximum: 1, exclusiveMinimum: true })
  slate_propensity!: number;

  /**
   * Every nudge the first slot was drawn from, best first; empty when none could be sent. Log
   * them with each decision: off-policy evaluation needs what the policy could have chosen.
   */
  candidates!: CandidateNudgeDto[];

  /** Nudges withheld by a cooldown, the 7-day cap or the holdout. */
  suppressed!: SuppressedNudgeDto[];

  fomo!: FomoDto;

  /** Version of the model set that scored this request; null in rules-only mode. */
  @ApiProperty({ type: String, nullable: true })
  model_version!: string | null;
}
