import { parse } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { FieldError } from '@app/contract';
import { Locale, SUPPORTED_LOCALES } from '../locale/locales';
import { argumentsOf, catalogProblems } from './catalog-checks';
import en from './en.json';
import es from './es.json';
import hi from './hi.json';

/** A catalog: message key → ICU MessageFormat text. */
export type CatalogSource = Readonly<Record<string, string>>;

export const BUNDLED_CATALOGS: Readonly<Record<Locale, CatalogSource>> = { en, es, hi };

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

/**
 * How `{date, date, long}` reads: the day in the locale's words ("July 12, 2025", "12 de julio de
 * 2025", "12 जुलाई 2025"), in UTC, as the day numbers are, whatever the server's time zone.
 */
const DATE_FORMATS = {
  date: { long: { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' } },
} as const;

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
    this.format = new IntlMessageFormat(text, locale, DATE_FORMATS);
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
