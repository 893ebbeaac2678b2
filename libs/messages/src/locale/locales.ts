import { isLocaleTag } from '@app/contract';

export const SUPPORTED_LOCALES = ['en', 'es', 'hi'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

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
