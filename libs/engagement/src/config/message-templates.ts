import { formatNumber, NUDGE_TYPES, NudgeType } from '@app/learner';
import { MESSAGE_PARAMS, MessageParams, RuleMessageId } from '@app/rules';

/** ML nudges have one message per type; `{probability}` is the model's, as a percentage. */
export type MlMessageId = `ml_${NudgeType}`;
export type MessageId = RuleMessageId | MlMessageId;

export interface MessageTemplate {
  readonly title: string;
  readonly action: string;
}

export const ML_MESSAGE_PARAMS = ['probability'] as const;

/** Placeholders each message may use. */
export function allowedParams(id: MessageId): readonly string[] {
  return id.startsWith('ml_') ? ML_MESSAGE_PARAMS : MESSAGE_PARAMS[id as RuleMessageId];
}

export const MESSAGE_IDS: readonly MessageId[] = [
  ...(Object.keys(MESSAGE_PARAMS) as RuleMessageId[]),
  ...NUDGE_TYPES.map((type): MlMessageId => `ml_${type}`),
];

export const DEFAULT_MESSAGES: Readonly<Record<MessageId, MessageTemplate>> = {
  resume_peer_gap: {
    title: "{pct}% of your peers have uploaded resumes. You haven't yet!",
    action: 'Upload your resume now',
  },
  project_peer_gap: {
    title: 'Your peers have added {avg} projects on average. Add your first one!',
    action: 'Add a project to your profile',
  },
  quiz_inactive: {
    title: "It's been {days} days since your last quiz. Keep your skills sharp!",
    action: 'Take a quiz today',
  },
  quiz_none: {
    title: "You haven't taken a quiz yet. Try your first one!",
    action: 'Take your first quiz',
  },
  comeback: {
    title: "We've missed you! It's been {days} days since your last event.",
    action: 'Find an event to join this week',
  },
  buddies_at_events: {
    title: 'Your buddies are going to {events}. Join them!',
    action: 'See the events your buddies attend',
  },
  trending_event: {
    title: '{event} is trending: {peers} of your peers are going!',
    action: 'Check out {event}',
  },
  fomo_score: {
    title: "Your peers are out at events: it's been {days} days since your last one.",
    action: 'Browse upcoming events',
  },
  fomo_first_event: {
    title: "Your peers are out at events and you haven't joined one yet.",
    action: 'Pick your first event',
  },
  ml_resume: {
    title: 'Learners like you get noticed with a resume on their profile.',
    action: 'Upload your resume',
  },
  ml_project: {
    title: 'Show what you can do: add a project to your profile.',
    action: 'Add a project',
  },
  ml_quiz: {
    title: 'A short quiz is a good way to keep your momentum.',
    action: 'Take a quiz',
  },
  ml_event_fomo: {
    title: 'Events are where your peers meet: join one this week.',
    action: 'Browse upcoming events',
  },
  ml_comeback: {
    title: 'Your community misses you: come back to an event.',
    action: 'Find an event to join',
  },
};

const PLACEHOLDER = /\{([a-z_]+)\}/g;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** Splits a template once, so rendering is concatenation: [text, param, text, param, ...]. */
export type CompiledTemplate = (params: MessageParams) => string;

export function compileTemplate(template: string): CompiledTemplate {
  const parts = template.split(PLACEHOLDER);
  if (parts.length === 1) return () => template;
  return (params) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const value = params[parts[i]];
      out += (typeof value === 'number' ? formatNumber(value) : value) + parts[i + 1];
    }
    return out;
  };
}
