import { ApiProperty } from '@nestjs/swagger';
import { NUDGE_TYPES, NudgeType, PRIORITIES, Priority } from '@app/learner';
import { EngagementAnalysis } from '../engine/analysis';
import { Nudge } from '../engine/render';

export class EvidenceDto {
  /** The rule's id, or `model_<type>` for a model. @example "resume_peer_gap" */
  rule!: string;

  /** The request values the rule compared, or the model's probability and strongest contributions. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] },
    example: { batch_resume_uploaded_pct: 84, resume_uploaded: false },
  })
  inputs!: Record<string, number | string | boolean | null>;

  /** The threshold the rule or model fires at, in the units of its inputs. @example 70 */
  threshold!: number;
}

export class NudgeDto implements Nudge {
  @ApiProperty({ enum: NUDGE_TYPES, example: 'resume' })
  type!: NudgeType;

  /** @example "84% of your peers have uploaded a resume. You haven't yet!" */
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

  /** The catalog message of the title and action, for a client rendering its own copy. @example "resume_peer_gap" */
  message_key!: string;

  /** The values the message was rendered with (numbers, and text such as `gap`). */
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    example: { share: 0.84, pct: 84 },
  })
  params!: Record<string, string | number>;

  /** Why the nudge fired, in plain words, in the answer's locale. @example ["84% of this learner's batch have a resume and this learner has none (the rule fires above 70%)."] */
  reasons!: string[];

  /** Why the nudge fired, as data: one entry per rule (or model) behind it. */
  evidence!: EvidenceDto[];
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
  @ApiProperty({ enum: ['generated'], example: 'generated' })
  status!: 'generated';

  /** @example "2025-06-30" */
  @ApiProperty({ format: 'date', example: '2025-06-30' })
  as_of!: string;

  /** The language of titles, actions and reasons: en, es or hi. @example "en" */
  locale!: string;

  /** At most `max_nudges`, one per type, most important first; empty for an engaged learner. */
  nudges!: NudgeDto[];

  fomo!: FomoDto;

  /** Version of the model set that scored this request; null in rules-only mode. */
  @ApiProperty({ type: String, nullable: true })
  model_version!: string | null;
}
