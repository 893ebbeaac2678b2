import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { Claim } from '@app/rules';
import { MESSAGE_IDS } from './message-templates';

const section = { message: 'must be an object' };

const text = { message: 'must be a string of 1 to 200 characters' };

export class MessageSection {
  @IsString(text) @Length(1, 200, text) title!: string;
  @IsString(text) @Length(1, 200, text) action!: string;
}

/** Deprecated English overrides of catalog messages, by message id; none by default. */
export class MessagesSection {}
for (const id of MESSAGE_IDS) {
  IsOptional()(MessagesSection.prototype, id);
  IsObject(section)(MessagesSection.prototype, id);
  ValidateNested(section)(MessagesSection.prototype, id);
  Reflect.defineMetadata('design:type', MessageSection, MessagesSection.prototype, id);
}

const types = { message: `must be an array of distinct nudge types (${NUDGE_TYPES.join(', ')})` };

/**
 * Facts that nudges of the listed types share: an answer states each at most once, the weaker
 * nudge yielding (to a wording without it, or altogether).
 */
export class OverlapsSection implements Record<Claim, NudgeType[]> {
  @IsArray(types)
  @ArrayUnique(types)
  @IsIn(NUDGE_TYPES, { ...types, each: true })
  event_recency: NudgeType[] = ['comeback', 'event_fomo'];

  @IsArray(types)
  @ArrayUnique(types)
  @IsIn(NUDGE_TYPES, { ...types, each: true })
  peers_at_events: NudgeType[] = [];

  @IsArray(types)
  @ArrayUnique(types)
  @IsIn(NUDGE_TYPES, { ...types, each: true })
  buddies_at_events: NudgeType[] = [];
}
