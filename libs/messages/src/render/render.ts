import { MessageParams } from '@app/rules';
import { EventDisplayName } from '@app/learner';
import { LocaleCatalog } from '../catalogs/message-catalogs';
import { DEFAULT_LOCALE, Locale } from '../locale/locales';

/** A catalog message and its parameters, rendered in the reader's language later. */
export interface Phrase {
  readonly key: string;
  readonly params: MessageParams;
}

export interface RenderContext {
  /** The catalog of the answer's locale. */
  readonly catalog: LocaleCatalog;
  /** How an event key reads: the request's display name, or a readable form of the key. */
  readonly eventName: (key: string) => string;
}

/** Event names a title lists before "and N more". */
const LISTED_EVENTS = 2;
const MOST_DAYS = 60;
const DAYS_PER_MONTH = 30;
/** Past this many months a span reads in years. */
const MOST_MONTHS = 11;
const DAYS_PER_YEAR = 365;

/**
 * A span of days for the `gap` message: up to 60 days as days, then "over N months" (N whole
 * 30-day months that have passed, so "over" holds, at most 11), then from 365 days in years: "a
 * year" or "N years" for a whole number of 365-day years, else "over a year", "over N years"
 * (unit `over_years`, the select's `other`). No count reaches the hundreds, and no span reads
 * "over 12 months".
 */
export function gapParams(days: number): Record<string, string | number> {
  if (days <= MOST_DAYS) return { unit: 'days', days };
  if (days < DAYS_PER_YEAR) {
    return {
      unit: 'months',
      days,
      months: Math.min(MOST_MONTHS, Math.floor((days - 1) / DAYS_PER_MONTH)),
    };
  }
  const years = Math.floor(days / DAYS_PER_YEAR);
  return { unit: days % DAYS_PER_YEAR === 0 ? 'years' : 'over_years', days, years };
}

/** Two-letter words that are words; any other two Latin letters in a key are an acronym. */
const SHORT_WORDS = new Set([
  'an',
  'as',
  'at',
  'be',
  'by',
  'do',
  'go',
  'in',
  'is',
  'it',
  'me',
  'my',
  'no',
  'of',
  'on',
  'or',
  'so',
  'to',
  'up',
  'us',
  'we',
]);

/** How the config writes words of event keys (`event_words`): none by default. */
export type EventWords = Readonly<Record<string, string>>;
const NO_WORDS: EventWords = Object.freeze({});

/** Letters that make a word pronounceable; a word without any is read letter by letter. */
const VOWEL = /[aeiouy]/;

/**
 * One word of an event key, as people write it: as the config's `event_words` writes it; a
 * two-letter word that is not an English word (`ai`, `ux`) or a word of letters without a
 * vowel (`gdg`, `nlp`, `css`) in capitals, being read letter by letter; any other word with a
 * capital first letter. A mixed-case name ("PyData", "DevFest") or an acronym with a vowel
 * ("IIT") cannot be told from the key: `event_words` says how to write it.
 */
function readableWord(word: string, words: EventWords): string {
  if (Object.hasOwn(words, word)) return words[word];
  if (/^[a-z]{2}$/.test(word) && !SHORT_WORDS.has(word)) return word.toUpperCase();
  if (/^[a-z]{2,}$/.test(word) && !VOWEL.test(word)) return word.toUpperCase();
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * A key such as `ai-summit` as people would read it ("AI Summit"), its words written as
 * `words` says (readableWord); a key that already has capitals or spaces is taken to be a name
 * and kept.
 */
export function readableEventName(key: string, words: EventWords = NO_WORDS): string {
  let names = READABLE_NAMES.get(words);
  if (names === undefined) {
    names = new Map();
    READABLE_NAMES.set(words, names);
  }
  let name = names.get(key);
  if (name === undefined) {
    name = readableForm(key, words);
    // Keys come from requests: the cache starts over rather than grow without bound.
    if (names.size >= READABLE_NAMES_LIMIT) names.clear();
    names.set(key, name);
  }
  return name;
}

/**
 * The name an event shows in `locale`: a single name as given; of names per locale tag, the one
 * for the locale itself (`es`), else for a tag of its language (`es-MX`), else English's, else
 * the first given; without a name, the readable form of the key (readableEventName).
 */
export function eventDisplayName(
  key: string,
  name: EventDisplayName | undefined,
  locale: Locale,
  words: EventWords = NO_WORDS,
): string {
  if (name === undefined) return readableEventName(key, words);
  if (typeof name === 'string') return name;
  return (
    nameIn(name, locale) ??
    nameIn(name, DEFAULT_LOCALE) ??
    firstName(name) ??
    readableEventName(key, words)
  );
}

function nameIn(names: Readonly<Record<string, string>>, locale: Locale): string | undefined {
  let ofLanguage: string | undefined;
  for (const tag in names) {
    const lower = tag.toLowerCase();
    if (lower === locale) return names[tag];
    if (ofLanguage === undefined && lower.startsWith(`${locale}-`)) ofLanguage = names[tag];
  }
  return ofLanguage;
}

function firstName(names: Readonly<Record<string, string>>): string | undefined {
  for (const tag in names) return names[tag];
  return undefined;
}

/**
 * Platforms reuse a small set of event keys: each is made readable once per config's words (a
 * reloaded config brings its own).
 */
const READABLE_NAMES = new WeakMap<EventWords, Map<string, string>>();
const READABLE_NAMES_LIMIT = 4096;

function readableForm(key: string, words: EventWords): string {
  if (/[\p{Lu}\s]/u.test(key)) return key;
  const parts = key.split(/[-_]+/).filter((word) => word !== '');
  if (parts.length === 0) return key;
  return parts.map((word) => readableWord(word, words)).join(' ');
}

const KEYS = new Map<string, { readonly title: string; readonly action: string }>();

/** A message's catalog keys, made once: map lookups are faster with the same string each time. */
export function messageKeys(message: string): { readonly title: string; readonly action: string } {
  let keys = KEYS.get(message);
  if (keys === undefined) {
    keys = { title: `${message}.title`, action: `${message}.action` };
    KEYS.set(message, keys);
  }
  return keys;
}

/** Turns a phrase's parameters into what its message is formatted with. */
export function renderParams(
  params: MessageParams,
  ctx: RenderContext,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  // for-in, not Object.entries: no array of pairs per phrase.
  for (const name in params) {
    const value = params[name];
    if (name === 'events' && Array.isArray(value)) {
      const names = (value as readonly string[]).map(ctx.eventName);
      const shown = names.length <= LISTED_EVENTS + 1 ? names : names.slice(0, LISTED_EVENTS);
      const more = names.length - shown.length;
      const items =
        more === 0 ? shown : [...shown, ctx.catalog.format('more_events', { count: more })];
      out.events = ctx.catalog.list(items);
    } else if (name === 'factors' && Array.isArray(value)) {
      const factors = (value as readonly string[]).map((key) => ctx.catalog.format(key, {}));
      out.factors = ctx.catalog.list(factors);
    } else if (name === 'event' && typeof value === 'string') {
      out.event = ctx.eventName(value);
    } else if (typeof value === 'string' || typeof value === 'number') {
      out[name] = value;
    }
  }
  if (typeof out.days === 'number') {
    out.gap = ctx.catalog.format('gap', gapParams(out.days));
  }
  return out;
}

export function renderPhrase(phrase: Phrase, ctx: RenderContext): string {
  return ctx.catalog.format(phrase.key, renderParams(phrase.params, ctx));
}
