import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateBy,
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

/** Words an event key may spell in its own case: at most this many. */
export const MAX_EVENT_WORDS = 500;
const EVENT_WORD = /^[a-z0-9]{1,32}$/;

/** What is wrong with `event_words`, or null. */
function eventWordsProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object of lowercase words to how each is written';
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_EVENT_WORDS) return `must have at most ${MAX_EVENT_WORDS} words`;
  for (const [word, written] of entries) {
    if (!EVENT_WORD.test(word)) {
      return `has ${JSON.stringify(word)}: a word is 1 to 32 lowercase letters or digits`;
    }
    if (typeof written !== 'string' || written.toLowerCase() !== word) {
      return `has ${JSON.stringify(word)} written ${JSON.stringify(written)}: only its case may differ`;
    }
  }
  return null;
}

/**
 * `event_words`: lowercase words of event keys → how each is written (`"iit": "IIT"`), for keys
 * shown without a display name. Only the case may differ, so a config cannot rename events.
 */
export function IsEventWords(): PropertyDecorator {
  return ValidateBy({
    name: 'isEventWords',
    validator: {
      validate: (value: unknown) => eventWordsProblem(value) === null,
      defaultMessage: (args) => eventWordsProblem(args?.value) ?? '',
    },
  });
}
