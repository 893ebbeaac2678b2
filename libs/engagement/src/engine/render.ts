import { NudgeType, Priority } from '@app/learner';
import { Evidence, MessageParams } from '@app/rules';
import { Locale, MessageCatalogs } from '../messages/message-catalogs';
import { ChosenNudge, Phrase } from './nudges';

/** A nudge as the API answers it, in the reader's language. */
export interface Nudge {
  readonly type: NudgeType;
  readonly title: string;
  readonly action: string;
  readonly priority: Priority;
  readonly source: 'rule' | 'ml';
  readonly score: number;
  /** The catalog message of the title and action (`<message_key>.title`, `.action`). */
  readonly message_key: string;
  /** What the message was rendered with, so a client can render its own copy. */
  readonly params: Readonly<Record<string, string | number>>;
  /** Why, in plain words. */
  readonly reasons: readonly string[];
  /** Why, as data: rule or model, its inputs and its threshold. */
  readonly evidence: readonly Evidence[];
}

export interface RenderContext {
  readonly catalogs: MessageCatalogs;
  readonly locale: Locale;
  /** How an event key reads: the request's display name, or a readable form of the key. */
  readonly eventName: (key: string) => string;
}

/** Event names a title lists before "and N more". */
const LISTED_EVENTS = 2;
const DAYS_IN_WORDS = 60;
const DAYS_PER_MONTH = 30;
const DAYS_PER_YEAR = 365;

/** A span of days for the `gap` message: days below two months, then months, then "over a year". */
export function gapParams(days: number): Record<string, string | number> {
  if (days < DAYS_IN_WORDS) return { unit: 'days', days };
  if (days < DAYS_PER_YEAR)
    return { unit: 'months', days, months: Math.floor(days / DAYS_PER_MONTH) };
  return { unit: 'year', days };
}

/**
 * A key such as `ai-summit` as people would read it ("Ai Summit"); a key that already has
 * capitals or spaces is taken to be a name and kept.
 */
export function readableEventName(key: string): string {
  if (/[\p{Lu}\s]/u.test(key)) return key;
  const words = key.split(/[-_]+/).filter((word) => word !== '');
  if (words.length === 0) return key;
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

/** Turns a phrase's parameters into what its message is formatted with. */
function renderParams(params: MessageParams, ctx: RenderContext): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name === 'events' && Array.isArray(value)) {
      const names = (value as readonly string[]).map(ctx.eventName);
      const shown = names.length <= LISTED_EVENTS + 1 ? names : names.slice(0, LISTED_EVENTS);
      const more = names.length - shown.length;
      const items =
        more === 0
          ? shown
          : [...shown, ctx.catalogs.format(ctx.locale, 'more_events', { count: more })];
      out.events = ctx.catalogs.list(ctx.locale, items);
    } else if (name === 'factors' && Array.isArray(value)) {
      const factors = (value as readonly string[]).map((key) =>
        ctx.catalogs.format(ctx.locale, key, {}),
      );
      out.factors = ctx.catalogs.list(ctx.locale, factors);
    } else if (name === 'event' && typeof value === 'string') {
      out.event = ctx.eventName(value);
    } else if (typeof value === 'string' || typeof value === 'number') {
      out[name] = value;
    }
  }
  if (typeof out.days === 'number') {
    out.gap = ctx.catalogs.format(ctx.locale, 'gap', gapParams(out.days));
  }
  return out;
}

function renderPhrase(phrase: Phrase, ctx: RenderContext): string {
  return ctx.catalogs.format(ctx.locale, phrase.key, renderParams(phrase.params, ctx));
}

export function renderNudge(nudge: ChosenNudge, ctx: RenderContext): Nudge {
  const { message } = nudge.wording;
  const params = renderParams(nudge.wording.params, ctx);
  return {
    type: nudge.type,
    title: ctx.catalogs.format(ctx.locale, `${message}.title`, params),
    action: ctx.catalogs.format(ctx.locale, `${message}.action`, params),
    priority: nudge.priority,
    source: nudge.source,
    score: nudge.score,
    message_key: message,
    params,
    reasons: nudge.reasons.map((reason) => renderPhrase(reason, ctx)),
    evidence: nudge.evidence,
  };
}
