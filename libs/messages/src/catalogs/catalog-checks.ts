import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { FieldError, fieldError } from '@app/contract';
import { CATALOG_KEYS, CATALOG_PARAMS } from './message-keys';

/** Every argument a message uses, including those inside plural and select options. */
export function argumentsOf(
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
]);

/**
 * Values the engine passes as a day (milliseconds since 1970, UTC midnight): written as text they
 * would read as a raw number, so each must be formatted as a date in the locale's words.
 */
const DATE_VALUES: ReadonlySet<string> = new Set(['date']);
/** The one date style the catalogs format with (DATE_FORMATS in message-catalogs.ts). */
const DATE_STYLE = 'long';

/** Text values used as numbers, plurals, dates or times; dates not used as dates. */
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
    if (
      element.type !== TYPE.literal &&
      element.type !== TYPE.pound &&
      element.type !== TYPE.tag &&
      DATE_VALUES.has(element.value) &&
      (element.type !== TYPE.date || element.style !== DATE_STYLE)
    ) {
      // Only the `long` style is the service's own, in UTC: the others would read the day in
      // the server's time zone, a day early west of Greenwich.
      out.push(
        `uses {${element.value}} as text, a number or another date style, but it is a day: write {${element.value}, date, ${DATE_STYLE}}`,
      );
    }
    if (
      (element.type === TYPE.date || element.type === TYPE.time) &&
      !DATE_VALUES.has(element.value) &&
      !TEXT_VALUES.has(element.value)
    ) {
      out.push(`uses {${element.value}} as a date or time, but it is a number`);
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
