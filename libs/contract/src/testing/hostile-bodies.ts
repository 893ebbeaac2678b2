/**
 * Hostile request bodies, built as text so they can say what JSON.stringify cannot (1e400,
 * 2**53+1, duplicate keys, `__proto__` as data). The validation unit tests and the HTTP suite both
 * build their cases from these: the bodies here, the fields in hostile-fields.ts, what becomes of
 * them in hostile-cases.ts.
 */
import { EXAMPLE_REQUEST } from '../dto/examples';
import { REQUEST_LIMITS } from '../request/limits';

const L = REQUEST_LIMITS;
export const AS_OF = EXAMPLE_REQUEST.as_of;
export const ATTENDANCE = 'peer_snapshot.batch_event_attendance';

/**
 * Problem texts as the API words them; the path is prepended in the answer. Written out here
 * rather than imported, so a changed message fails the tests.
 */
export const MUST = {
  required: 'is required',
  object: 'must be an object',
  boolean: 'must be a boolean (true or false)',
  count: 'must be a non-negative integer',
  countMax: `must be at most ${L.maxCount}`,
  number: 'must be a non-negative number',
  avgMax: `must be at most ${L.maxAvgProjects}`,
  percent: 'must be a number from 0 to 100',
  date: 'must be a calendar date in YYYY-MM-DD format',
  userId: `must be a string of 1 to ${L.idLength} characters`,
  plainId:
    'must not contain control characters, format characters (such as U+200B or U+202E), line separators or unpaired surrogates',
  goalTags: `must be an array of at most ${L.goalTags} strings of at most ${L.tagLength} characters`,
  quizHistory: `must be an array of at most ${L.quizHistory} strings of at most ${L.tagLength} characters`,
  clubs: `must be an array of at most ${L.clubs} strings of at most ${L.tagLength} characters`,
  eventList: `must be an array of at most ${L.events} event names of 1 to ${L.eventNameLength} characters`,
  attendance: 'must be an object mapping event names to attendee counts',
  eventCount: `must have at most ${L.events} events`,
  eventName: `must have event names of 1 to ${L.eventNameLength} characters`,
  notAfter: (day: string) => `must not be after as_of (${day})`,
  noSuchDate: (date: string) => `must be a real calendar date: ${date} does not exist`,
  noSuchDateTime: (date: string) => `must be a real date: ${date} does not exist`,
  quizDate:
    'looks like a date but is not one in YYYY-MM-DD format or an RFC 3339 date-time (a topic must not look like a date)',
} as const;

// ---------------------------------------------------------------------------------------------
// Building bodies

/** A JSON literal written into the body as is (JSON.stringify cannot write 1e400 or 2**53+1). */
export class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `@@raw:${this.text}@@`;
  }
}
export const raw = (text: string) => new Raw(text);

/** Marks a field to remove in `withFields` and `withField`. */
export const DELETE = Symbol('delete');

export function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^"]*)@@"/g, '$1');
}

type Json = Record<string, unknown>;

/** A deep copy of the example request. */
function example(): Json {
  return JSON.parse(JSON.stringify(EXAMPLE_REQUEST)) as Json;
}

function pathValue(body: Json, keys: readonly string[]): Json {
  return keys.reduce((node, key) => node[key] as Json, body);
}

/**
 * The example request with each `path` (dot-separated; a key holding a dot is not needed here)
 * set to its value, or removed with DELETE. Keys are defined, not assigned, so `__proto__` stays
 * data.
 */
export function withFields(...edits: [path: string, value: unknown][]): Json {
  const body = example();
  for (const [path, value] of edits) {
    const keys = path.split('.');
    const node = pathValue(body, keys.slice(0, -1));
    const last = keys[keys.length - 1];
    if (value === DELETE) delete node[last];
    else Object.defineProperty(node, last, { value, enumerable: true, writable: true });
  }
  return body;
}

export const bodyWith = (path: string, value: unknown): string =>
  serialize(withFields([path, value]));
export const EXAMPLE_TEXT = serialize(EXAMPLE_REQUEST);

/** The example request as text with one more member appended to the object at `at` ('' = root). */
export function appendMember(member: string, at = ''): string {
  if (at === '') return `${EXAMPLE_TEXT.slice(0, -1)},${member}}`;
  const marker = '"@@here@@"';
  const text = serialize(
    withFields([at, { ...pathValue(example(), at.split('.')), '@@here@@': 0 }]),
  );
  return text.replace(`${marker}:0`, member);
}

export const repeat = <T>(n: number, item: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => item(i));
export const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
export const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** An attendance map of `n` events with one attendee each. */
export const events = (n: number) => Object.fromEntries(repeat(n, (i) => [`event-${i}`, 1]));
