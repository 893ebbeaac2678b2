import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { REQUEST_LIMITS } from '../dto/request-limits';
import { FieldError, fieldError } from '../validation/field-error';
import en from './catalogs/en.json';
import es from './catalogs/es.json';
import hi from './catalogs/hi.json';
import { CATALOG_KEYS, CATALOG_PARAMS } from './message-keys';

export const SUPPORTED_LOCALES = ['en', 'es', 'hi'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

/** A catalog: message key → ICU MessageFormat text. */
export type CatalogSource = Readonly<Record<string, string>>;

export const BUNDLED_CATALOGS: Readonly<Record<Locale, CatalogSource>> = { en, es, hi };

/** Every argument a message uses, including those inside plural and select options. */
function argumentsOf(
  elements: readonly MessageFormatElement[],
  out = new Set<string>(),
): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    if (element.type === TYPE.tag) {
      argumentsOf(element.children, out);
      continue;
    }
    out.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, out);
    }
  }
  return out;
}

/** Values the engine passes already rendered as text: formatting one as a number shows NaN. */
const TEXT_VALUES: ReadonlySet<string> = new Set([
  'gap',
  'events',
  'event',
  'factors',
  'unit',
  'type',
  'date',
]);

/** Text values used as numbers, plurals, dates or times. */
function typeProblems(elements: readonly MessageFormatElement[], out: string[] = []): string[] {
  for (const element of elements) {
    if (element.type === TYPE.tag) typeProblems(element.children, out);
    if (
      (element.type === TYPE.number ||
        element.type === TYPE.plural ||
        element.type === TYPE.date ||
        element.type === TYPE.time) &&
      TEXT_VALUES.has(element.value)
    ) {
      out.push(`uses {${element.value}} as a number, but it is text: write {${element.value}}`);
    }
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) typeProblems(option.value, out);
    }
  }
  return out;
}

/** Plural arguments missing a category the locale has, and selects without `other`. */
function optionProblems(
  elements: readonly MessageFormatElement[],
  categories: readonly string[],
  out: string[] = [],
): string[] {
  for (const element of elements) {
    if (element.type === TYPE.tag) {
      // A tag needs a function value at format time; the engine passes none, so it would throw.
      out.push(`uses the tag <${element.value}>, which the engine does not render`);
      optionProblems(element.children, categories, out);
    }
    if (element.type !== TYPE.plural && element.type !== TYPE.select) continue;
    const options = Object.keys(element.options);
    if (element.type === TYPE.plural && element.pluralType !== 'ordinal') {
      const missing = categories.filter((category) => !options.includes(category));
      if (missing.length > 0) {
        out.push(`plural {${element.value}} lacks the categories ${missing.join(', ')}`);
      }
    }
    if (element.type === TYPE.select && !options.includes('other')) {
      out.push(`select {${element.value}} has no "other" option`);
    }
    for (const option of Object.values(element.options)) {
      optionProblems(option.value, categories, out);
    }
  }
  return out;
}

/** The parser throws its error kind ("EXPECT_ARGUMENT_CLOSING_BRACE") and where it stopped. */
function parseErrorText(error: unknown): string {
  const { message, location } = error as Error & { location?: { start: { offset: number } } };
  return location === undefined ? message : `${message} at character ${location.start.offset + 1}`;
}

/**
 * What is wrong with one locale's catalog: a value that is not text or not ICU MessageFormat, a
 * missing or unknown key, an argument the code does not pass, a plural without every category
 * the locale's grammar has. Every problem is reported, keys in catalog order.
 */
export function catalogProblems(locale: string, catalog: unknown): FieldError[] {
  const root = `messages.${locale}`;
  if (typeof catalog !== 'object' || catalog === null || Array.isArray(catalog)) {
    return [fieldError(root, 'must be an object of message keys to texts')];
  }
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  const errors: FieldError[] = [];
  const entries = catalog as Record<string, unknown>;
  for (const [key, text] of Object.entries(entries)) {
    const path = `${root}[${JSON.stringify(key)}]`;
    // hasOwn: a key such as "toString" must not find Object.prototype's.
    const allowed = Object.hasOwn(CATALOG_PARAMS, key) ? CATALOG_PARAMS[key] : undefined;
    if (allowed === undefined) {
      errors.push(fieldError(path, 'is not a message the engine renders'));
      continue;
    }
    if (typeof text !== 'string' || text === '') {
      errors.push(fieldError(path, 'must be a non-empty string'));
      continue;
    }
    let ast: MessageFormatElement[];
    try {
      // Without `other` a select is reported below by name, not as a bare parse error.
      ast = parse(text, { requiresOtherClause: false });
    } catch (error) {
      errors.push(fieldError(path, `is not ICU MessageFormat: ${parseErrorText(error)}`));
      continue;
    }
    for (const name of argumentsOf(ast)) {
      if (!allowed.includes(name)) {
        const choice = allowed.length === 0 ? 'none' : allowed.map((p) => `{${p}}`).join(', ');
        errors.push(fieldError(path, `uses {${name}}, which is not passed (passed: ${choice})`));
      }
    }
    for (const problem of optionProblems(ast, categories)) errors.push(fieldError(path, problem));
    for (const problem of typeProblems(ast)) errors.push(fieldError(path, problem));
  }
  for (const key of CATALOG_KEYS) {
    if (!Object.hasOwn(entries, key)) {
      errors.push(fieldError(`${root}[${JSON.stringify(key)}]`, 'is missing'));
    }
  }
  return errors;
}

/** Catalogs that cannot be served; `errors` names each message by locale and key. */
export class CatalogError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid message catalogs: ${errors.map((error) => error.message).join('; ')}`);
    this.name = 'CatalogError';
  }
}

export type MessageValues = Readonly<Record<string, string | number>>;

/** Formatted texts kept per message; a message that sees more distinct values starts over. */
const MEMO_LIMIT = 4096;

/** Texts by their arguments' values, one level per argument: no key string is built per call. */
type Memo = Map<unknown, Memo | string>;

/** One message, parsed once. Most answers repeat values (a day count, a share), so texts are memoized. */
class CompiledMessage {
  private readonly format: IntlMessageFormat;
  /** The arguments the text uses: what makes two renderings differ. */
  private readonly names: readonly string[];
  private memo: Memo = new Map();
  private memoized = 0;
  /** The text of a message without arguments, made on first use. */
  private constant: string | undefined;

  constructor(text: string, locale: Locale) {
    this.format = new IntlMessageFormat(text, locale);
    this.names = [...argumentsOf(parse(text))].sort();
  }

  render(values: MessageValues): string {
    const names = this.names;
    if (names.length === 0)
      return this.constant ?? (this.constant = this.format.format() as string);
    let node = this.memo;
    const last = names.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[names[i]];
      let next = node.get(value) as Memo | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const value = values[names[last]];
    let text = node.get(value) as string | undefined;
    if (text === undefined) {
      text = this.format.format(values) as string;
      if (this.memoized >= MEMO_LIMIT) {
        this.memo = new Map();
        this.memoized = 0;
      } else {
        node.set(value, text);
        this.memoized++;
      }
    }
    return text;
  }
}

/** One locale's messages, ready to render. */
export class LocaleCatalog {
  private readonly listFormat: Intl.ListFormat;
  /** Lists already formatted: the same few event names and model factors come back. */
  private readonly lists = new Map<string, string>();

  constructor(
    readonly locale: Locale,
    private readonly messages: ReadonlyMap<string, CompiledMessage>,
  ) {
    this.listFormat = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  }

  format(key: string, values: MessageValues): string {
    const message = this.messages.get(key);
    if (message === undefined) throw new Error(`no message ${key} for ${this.locale}`);
    return message.render(values);
  }

  /** "a, b and c" in the locale's words. */
  list(items: readonly string[]): string {
    const key = items.join('\u0000');
    let text = this.lists.get(key);
    if (text === undefined) {
      text = this.listFormat.format(items);
      if (this.lists.size >= MEMO_LIMIT) this.lists.clear();
      this.lists.set(key, text);
    }
    return text;
  }
}

/** Every message of every locale, parsed once, so rendering is formatting only. */
export class MessageCatalogs {
  private readonly byLocale: ReadonlyMap<Locale, LocaleCatalog>;

  constructor(sources: Readonly<Record<Locale, CatalogSource>>) {
    const errors = SUPPORTED_LOCALES.flatMap((locale) => catalogProblems(locale, sources[locale]));
    if (errors.length > 0) throw new CatalogError(errors);
    this.byLocale = new Map(
      SUPPORTED_LOCALES.map((locale) => {
        const messages = new Map(
          Object.entries(sources[locale]).map(([key, text]) => [
            key,
            new CompiledMessage(text, locale),
          ]),
        );
        return [locale, new LocaleCatalog(locale, messages)];
      }),
    );
  }

  catalog(locale: Locale): LocaleCatalog {
    return this.byLocale.get(locale) as LocaleCatalog;
  }

  format(locale: Locale, key: string, values: MessageValues): string {
    return this.catalog(locale).format(key, values);
  }

  list(locale: Locale, items: readonly string[]): string {
    return this.catalog(locale).list(items);
  }
}

export function compileCatalogs(sources: Readonly<Record<Locale, CatalogSource>>): MessageCatalogs {
  return new MessageCatalogs(sources);
}

const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** Whether a string has the shape of a BCP 47 language tag (`en`, `es-MX`, `zh-Hant-TW`). */
export function isLocaleTag(value: string): boolean {
  return value.length <= REQUEST_LIMITS.localeLength && LOCALE_TAG.test(value);
}

/** The served locale for a tag: itself, else its language (`es-MX` → es), else none. */
function served(tag: string): Locale | undefined {
  const lower = tag.toLowerCase();
  const exact = SUPPORTED_LOCALES.find((locale) => locale === lower);
  if (exact !== undefined) return exact;
  const language = lower.split('-')[0];
  return SUPPORTED_LOCALES.find((locale) => locale === language);
}

/** Accept-Language entries, best first by q-value (ties in header order); malformed ones skipped. */
function acceptedTags(header: string | readonly string[]): string[] {
  const text = typeof header === 'string' ? header : header.join(',');
  const entries: { tag: string; q: number; at: number }[] = [];
  text.split(',').forEach((part, at) => {
    const [tag, ...params] = part.trim().split(';');
    if (tag === '*' || !isLocaleTag(tag)) return;
    let q = 1;
    for (const param of params) {
      if (!/^\s*q\s*=/.test(param)) continue;
      // A weight outside 0..1 or with more than three decimals makes the entry malformed.
      const match = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/.exec(param);
      if (match === null) return;
      q = Number(match[1]);
    }
    if (q > 0) entries.push({ tag, q, at });
  });
  return entries.sort((a, b) => b.q - a.q || a.at - b.at).map((entry) => entry.tag);
}

/**
 * The locale to answer in: the request's own `locale` when present (English when neither it
 * nor its language is served), else the best served language of `Accept-Language`, else English.
 */
export function resolveLocale(
  requested: string | null | undefined,
  acceptLanguage?: string | readonly string[],
): Locale {
  if (typeof requested === 'string') return served(requested) ?? DEFAULT_LOCALE;
  if (acceptLanguage !== undefined) {
    for (const tag of acceptedTags(acceptLanguage)) {
      const locale = served(tag);
      if (locale !== undefined) return locale;
    }
  }
  return DEFAULT_LOCALE;
}
