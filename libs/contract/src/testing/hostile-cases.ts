/// <reference types="jest" />
/**
 * What becomes of hostile bodies short of HTTP, and the prototype-key table. The table asserts
 * with jest's `expect`; the reference above keeps the file compiling under the library tsconfig,
 * which lists node types only.
 */
import { EngagementAnalysis } from '../answer/analysis';
import { Nudge } from '../answer/nudge';
import { EXAMPLE_ANALYSIS } from '../dto/examples';
import { FieldError } from '../problem/field-error';
import { MAX_JSON_DEPTH } from '../validation/json-document';
import {
  appendMember,
  ATTENDANCE,
  bodyWith,
  DELETE,
  MUST,
  serialize,
  withFields,
} from './hostile-bodies';

// ---------------------------------------------------------------------------------------------
// Expected outcomes, short of HTTP

/**
 * What the request path makes of a body: the JSON parser refuses it (its message is the one the
 * 400 carries), validation names fields, or the request is analysed and `check` holds of it.
 */
export type Expected =
  | { readonly refused: string }
  | { readonly errors: readonly FieldError[] }
  | { readonly analysed: true; readonly check?: (analysis: EngagementAnalysis) => void };

/** A hostile case: a name, the body as text, and what becomes of it. */
export type Case = [name: string, body: string, expected: Expected];

export function invalid(...errors: [path: string, problem: string][]): Expected {
  return { errors: errors.map(([path, problem]) => ({ path, message: `${path} ${problem}` })) };
}

export const refused = (message: string): Expected => ({ refused: message });
export const ok = (check?: (analysis: EngagementAnalysis) => void): Expected => ({
  analysed: true,
  check,
});

/** The JSON parser's refusals and validation's answer to a body that is not an object. */
export const NOT_JSON = refused(expect.stringMatching(/^body is not valid JSON: \S/) as string);
export const TOO_DEEP = refused(`body nests deeper than ${MAX_JSON_DEPTH} levels`);
export const NOT_OBJECT = invalid(['body', 'must be a JSON object']);

export const PROTO = refused(
  'body is not valid JSON: Object contains forbidden prototype property',
);

// ---------------------------------------------------------------------------------------------
// Reading an analysis

export function types(analysis: EngagementAnalysis): string[] {
  return analysis.nudges.map((nudge) => nudge.type);
}

export function ruleTypes(analysis: EngagementAnalysis): string[] {
  return analysis.nudges.filter((nudge) => nudge.source === 'rule').map((nudge) => nudge.type);
}

export function nudge(analysis: EngagementAnalysis, type: string): Nudge {
  const found = analysis.nudges.find((candidate) => candidate.type === type);
  if (found === undefined) throw new Error(`no ${type} nudge among ${types(analysis).join(', ')}`);
  return found;
}

export const eventFomo = (analysis: EngagementAnalysis) => nudge(analysis, 'event_fomo');

// ---------------------------------------------------------------------------------------------
// __proto__, constructor and prototype keys: the HTTP suite also posts each of these and checks
// that nothing reached Object.prototype.

const POLLUTE = '{"polluted":true}';

export const prototypeCases: Case[] = [
  ['__proto__ at the root', appendMember(`"__proto__":${POLLUTE}`), PROTO],
  [
    '__proto__ at the root, spelt with an escape',
    appendMember(`"\\u005f_proto__":${POLLUTE}`),
    PROTO,
  ],
  [
    'constructor.prototype at the root',
    appendMember(`"constructor":{"prototype":${POLLUTE}}`),
    PROTO,
  ],
  ['__proto__ inside user_data', appendMember(`"__proto__":${POLLUTE}`, 'user_data'), PROTO],
  [
    '__proto__ supplying a missing profile field',
    serialize(withFields(['user_data.profile.karma', DELETE])).replace(
      '"resume_uploaded"',
      '"__proto__":{"karma":5},"resume_uploaded"',
    ),
    PROTO,
  ],
  [
    'constructor.prototype inside user_data.activity',
    appendMember(`"constructor":{"prototype":${POLLUTE}}`, 'user_data.activity'),
    PROTO,
  ],
  [
    '__proto__ inside batch_event_attendance',
    appendMember(`"__proto__":${POLLUTE}`, ATTENDANCE),
    PROTO,
  ],
  [
    'constructor.prototype inside batch_event_attendance',
    appendMember(`"constructor":{"prototype":${POLLUTE}}`, ATTENDANCE),
    PROTO,
  ],
  [
    '__proto__ deep in an unknown field',
    appendMember(`"padding":[{"a":[{"__proto__":${POLLUTE}}]}]`),
    PROTO,
  ],
  [
    'constructor as an event name',
    appendMember('"constructor":3', ATTENDANCE),
    invalid([ATTENDANCE, 'must not use the reserved event name "constructor"']),
  ],
  [
    'prototype as an event name',
    appendMember('"prototype":3', ATTENDANCE),
    invalid([ATTENDANCE, 'must not use the reserved event name "prototype"']),
  ],
  [
    'constructor and prototype as unknown root fields are plain data, ignored',
    appendMember(`"constructor":1,"prototype":${POLLUTE}`),
    ok((a) => expect(a.nudges).toEqual(EXAMPLE_ANALYSIS.nudges)),
  ],
  [
    'constructor and prototype as unknown user_data fields are plain data, ignored',
    appendMember(`"constructor":{"name":"x"},"prototype":${POLLUTE}`, 'user_data'),
    ok((a) => expect(a.nudges).toEqual(EXAMPLE_ANALYSIS.nudges)),
  ],
  [
    '__proto__, constructor and prototype as buddy event names are plain strings',
    bodyWith('peer_snapshot.buddies_attending_events', ['__proto__', 'constructor', 'prototype']),
    ok((a) => expect(a.fomo.factors.buddies).toBe(1)),
  ],
  [
    'Object.prototype method names as event names are plain data',
    bodyWith(ATTENDANCE, { toString: 12, hasOwnProperty: 1, valueOf: 1, __defineGetter__: 1 }),
    ok((a) =>
      expect(eventFomo(a).reasons).toContain(
        '12 peers of the batch are going to toString (the rule fires from 10).',
      ),
    ),
  ],
];

/** Five fields of the wrong type at once: the answer names all five, in field order. */
export const SEVERAL_WRONG_TYPES = {
  body: serialize(
    withFields(
      ['user_data.user_id', 7023],
      ['user_data.profile.karma', '190'],
      ['user_data.activity.last_quiz_taken', 20250601],
      ['peer_snapshot.buddies_attending_events', 'coding-contest'],
      ['as_of', true],
    ),
  ),
  errors: [
    ['user_data.user_id', MUST.userId],
    ['user_data.profile.karma', MUST.count],
    ['user_data.activity.last_quiz_taken', MUST.date],
    ['peer_snapshot.buddies_attending_events', MUST.eventList],
    ['as_of', MUST.date],
  ] as [path: string, problem: string][],
};
