import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  type EventDisplayName,
  type LearnerActivity,
  type LearnerData,
  type LearnerProfile,
  type LearnerRecord,
  NUDGE_TYPES,
  type NudgeType,
  type PeerSnapshot,
} from '@app/learner';
import {
  DATE_OR_DATE_TIME_PATTERN,
  IsCalendarDate,
  IsDateOrDateTime,
  IsEventAttendance,
  IsEventNames,
  IsLocaleTag,
  IsPlainIdentifier,
  PLAIN_IDENTIFIER_PATTERN,
  ValidateNestedEach,
} from '../validators/custom-validators';
import { DELIVERY_OUTCOMES, DeliveryOutcome, PROBLEMS, REQUEST_LIMITS } from '../request/limits';

const required = { message: PROBLEMS.required };
const object = { message: PROBLEMS.object };
const count = { message: PROBLEMS.count };
const countMax = { message: PROBLEMS.countMax };
const deliveryDecisionId = { message: PROBLEMS.deliveryDecisionId };
const history = { message: PROBLEMS.history };
const plainId = { message: PROBLEMS.plainId };

/** A caller's decision id: printable ASCII, so it can be logged and used as a key unescaped. */
const DECISION_ID = new RegExp(`^[\\x21-\\x7e]{1,${REQUEST_LIMITS.decisionIdLength}}$`);

// class-validator runs a property's decorators bottom-up and stops at the first failure, so the
// type check sits at the bottom and the bounds above it.
export class ProfileDto implements LearnerProfile {
  @IsDefined(required)
  @IsBoolean({ message: PROBLEMS.boolean })
  resume_uploaded!: boolean;

  /** The learner's goals. @example ["GRE", "data science"] */
  @IsDefined(required)
  @MaxLength(REQUEST_LIMITS.tagLength, { each: true, message: PROBLEMS.goalTags })
  @IsString({ each: true, message: PROBLEMS.goalTags })
  @ArrayMaxSize(REQUEST_LIMITS.goalTags, { message: PROBLEMS.goalTags })
  @IsArray({ message: PROBLEMS.goalTags })
  goal_tags!: string[];

  /** @example 190 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxCount, countMax)
  @Min(0, count)
  @IsInt(count)
  karma!: number;

  /** @example 0 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxCount, countMax)
  @Min(0, count)
  @IsInt(count)
  projects_added!: number;

  /**
   * Quiz topics and/or quiz dates (YYYY-MM-DD, or an RFC 3339 date-time, read as its UTC day);
   * dates count as quizzes taken. A string written as a date in any notation (01/06/2025,
   * 2025-6-1) is never a topic: it must be one of those two forms, a real day, not after as_of.
   * @example ["2025-06-01", "python"]
   */
  @IsDefined(required)
  @MaxLength(REQUEST_LIMITS.tagLength, { each: true, message: PROBLEMS.quizHistory })
  @IsString({ each: true, message: PROBLEMS.quizHistory })
  @ArrayMaxSize(REQUEST_LIMITS.quizHistory, { message: PROBLEMS.quizHistory })
  @IsArray({ message: PROBLEMS.quizHistory })
  quiz_history!: string[];

  /** @example [] */
  @IsDefined(required)
  @MaxLength(REQUEST_LIMITS.tagLength, { each: true, message: PROBLEMS.clubs })
  @IsString({ each: true, message: PROBLEMS.clubs })
  @ArrayMaxSize(REQUEST_LIMITS.clubs, { message: PROBLEMS.clubs })
  @IsArray({ message: PROBLEMS.clubs })
  clubs_joined!: string[];

  /** @example 3 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxCount, countMax)
  @Min(0, count)
  @IsInt(count)
  buddy_count!: number;
}

export class ActivityDto implements LearnerActivity {
  /** @example 2 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxCount, countMax)
  @Min(0, count)
  @IsInt(count)
  login_streak!: number;

  /** @example 1 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxCount, countMax)
  @Min(0, count)
  @IsInt(count)
  posts_created!: number;

  /** @example 0 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxCount, countMax)
  @Min(0, count)
  @IsInt(count)
  buddies_interacted!: number;

  /** Date of the last event attended; null or absent when never. @example "2025-06-14" */
  @IsOptional()
  @ApiProperty({ format: 'date', nullable: true, required: false, type: String })
  @IsCalendarDate()
  last_event_attended?: string | null;

  /** Date of the last quiz taken; null or absent when unknown. @example "2025-06-01" */
  @IsOptional()
  @ApiProperty({ format: 'date', nullable: true, required: false, type: String })
  @IsCalendarDate()
  last_quiz_taken?: string | null;
}

export class UserDataDto implements LearnerData {
  /**
   * The learner's id: no control or format characters (U+202E, U+200B…), line separators or
   * unpaired surrogates. @example "stu_7023"
   */
  @IsDefined(required)
  @ApiProperty({ type: String, pattern: PLAIN_IDENTIFIER_PATTERN })
  @IsPlainIdentifier(plainId)
  @Length(1, REQUEST_LIMITS.idLength, { message: PROBLEMS.userId })
  @IsString({ message: PROBLEMS.userId })
  user_id!: string;

  @IsDefined(required)
  @ValidateNested()
  @IsObject(object)
  profile!: ProfileDto;

  @IsDefined(required)
  @ValidateNested()
  @IsObject(object)
  activity!: ActivityDto;
}

export class PeerSnapshotDto implements PeerSnapshot {
  /** Average projects per learner in the batch. @example 2 */
  @IsDefined(required)
  @Max(REQUEST_LIMITS.maxAvgProjects, { message: PROBLEMS.avgMax })
  @Min(0, { message: PROBLEMS.number })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: PROBLEMS.number })
  batch_avg_projects!: number;

  /** Percentage of the batch with a resume. @example 84 */
  @IsDefined(required)
  @Max(100, { message: PROBLEMS.percent })
  @Min(0, { message: PROBLEMS.percent })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: PROBLEMS.percent })
  batch_resume_uploaded_pct!: number;

  /** Peers of the batch attending each event. */
  @IsDefined(required)
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0, maximum: REQUEST_LIMITS.maxCount },
    maxProperties: REQUEST_LIMITS.events,
    example: { 'startup-meetup': 5, 'coding-contest': 9 },
  })
  @IsEventAttendance()
  batch_event_attendance!: Record<string, number>;

  /** Events the learner's buddies attend. @example ["coding-contest"] */
  @IsDefined(required)
  @MaxLength(REQUEST_LIMITS.eventNameLength, { each: true, message: PROBLEMS.eventList })
  @MinLength(1, { each: true, message: PROBLEMS.eventList })
  @IsString({ each: true, message: PROBLEMS.eventList })
  @ArrayMaxSize(REQUEST_LIMITS.events, { message: PROBLEMS.eventList })
  @IsArray({ message: PROBLEMS.eventList })
  buddies_attending_events!: string[];

  /**
   * Display names of events by key: one name for every language, or a name per locale tag (the
   * answer's locale, else a tag of its language, else English, else the first); messages show a
   * readable form of a key without one.
   */
  @IsOptional()
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: {
      oneOf: [
        { type: 'string', minLength: 1, maxLength: REQUEST_LIMITS.eventNameLength },
        {
          type: 'object',
          description: 'A name per BCP 47 locale tag.',
          additionalProperties: {
            type: 'string',
            minLength: 1,
            maxLength: REQUEST_LIMITS.eventNameLength,
          },
          minProperties: 1,
          maxProperties: REQUEST_LIMITS.eventNameLocales,
        },
      ],
    },
    maxProperties: REQUEST_LIMITS.events,
    example: {
      'coding-contest': 'Coding Contest',
      hackathon: { en: 'Hackathon 2025', hi: 'हैकाथॉन 2025' },
    },
  })
  @IsEventNames()
  event_names?: Record<string, EventDisplayName>;
}

/** A nudge the platform delivered to the learner. */
export class DeliveredNudgeDto {
  /** @example "project" */
  @IsDefined(required)
  @ApiProperty({ enum: NUDGE_TYPES })
  @IsIn(NUDGE_TYPES, { message: PROBLEMS.nudgeType })
  type!: NudgeType;

  /**
   * When it was delivered: a YYYY-MM-DD date or an RFC 3339 date-time; its UTC day must not be
   * after as_of. @example "2025-06-28T09:30:00Z"
   */
  @IsDefined(required)
  @ApiProperty({ type: String, pattern: DATE_OR_DATE_TIME_PATTERN })
  @IsDateOrDateTime()
  sent_at!: string;

  /** What the learner did with it, when known. @example "dismissed" */
  @IsOptional()
  @ApiProperty({ enum: DELIVERY_OUTCOMES, required: false })
  @IsIn(DELIVERY_OUTCOMES, { message: PROBLEMS.outcome })
  outcome?: DeliveryOutcome;

  /**
   * The id of the decision that chose it, when known; a plain identifier like user_id.
   * @example "dec_0628_stu_7023"
   */
  @IsOptional()
  @ApiProperty({ type: String, required: false, pattern: PLAIN_IDENTIFIER_PATTERN })
  @IsPlainIdentifier(plainId)
  @Length(1, REQUEST_LIMITS.decisionIdLength, deliveryDecisionId)
  @IsString(deliveryDecisionId)
  decision_id?: string;
}

export class AnalyzeEngagementRequestDto implements LearnerRecord {
  @IsDefined(required)
  @ValidateNested()
  @IsObject(object)
  user_data!: UserDataDto;

  @IsDefined(required)
  @ValidateNested()
  @IsObject(object)
  peer_snapshot!: PeerSnapshotDto;

  /** The date the analysis is for; today's UTC date when absent. @example "2025-06-30" */
  @IsOptional()
  @ApiProperty({ format: 'date', required: false, type: String })
  @IsCalendarDate()
  as_of?: string;

  /**
   * The language of titles, actions and reasons (BCP 47); the Accept-Language header when
   * absent. Served: en, es, hi; any other falls back to en. @example "en"
   */
  @IsOptional()
  @ApiProperty({ required: false, type: String, maxLength: REQUEST_LIMITS.localeLength })
  @IsLocaleTag()
  locale?: string;

  /**
   * The nudges the platform already delivered to this learner (none when absent); no `sent_at`
   * may fall on a UTC day after as_of.
   */
  @IsOptional()
  @ApiProperty({ type: [DeliveredNudgeDto], required: false, maxItems: REQUEST_LIMITS.history })
  @ValidateNestedEach(() => DeliveredNudgeDto, object)
  @IsObject({ each: true, ...history })
  @ArrayMaxSize(REQUEST_LIMITS.history, history)
  @IsArray(history)
  history?: DeliveredNudgeDto[];

  /**
   * The caller's id for this decision: 1 to 64 printable ASCII characters, without spaces.
   * @example "dec_0630_stu_7023"
   */
  @IsOptional()
  @ApiProperty({
    required: false,
    type: String,
    minLength: 1,
    maxLength: REQUEST_LIMITS.decisionIdLength,
    pattern: DECISION_ID.source,
  })
  @Matches(DECISION_ID, { message: PROBLEMS.decisionId })
  @IsString({ message: PROBLEMS.decisionId })
  decision_id?: string;
}
