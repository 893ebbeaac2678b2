import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { EXAMPLE_HISTORY_REQUEST } from '../dto/examples';
import { DecisionLogError } from './decision-log-error';
import { forEachLine, forEachLogLine, lineName, LogLine } from './decision-log-reader';
import { NUDGE_ACTIONS, OUTCOME_ACTIONS } from './decision-log-records';
import { parseDecisionLine, parseOutcomeLine } from './decision-log-parsers';
import { validDecisionRequest } from './decision-request';

const WHERE = 'decisions.ndjson line 3';
const DAY = parseCalendarDate('2025-06-30')!;

const TREATED = {
  decision_id: 'd-1',
  user_id: 'u1',
  as_of: '2025-06-30',
  assignment: { holdout: false, bucket: 0.42, experiment: 'tone', variant: 'warm' },
  policy_version: '3942fe755af03f3b/884005e8da4dd3cc/tone=warm',
  features: { karma: 12, streak_days: 0.5 },
  candidates: [
    { type: 'resume', source: 'rule', score: 0.8 },
    { type: 'quiz', source: 'ml', score: 0.61 },
  ],
  delivered: [{ type: 'resume', slot: 1, propensity: 0.95 }],
};

const HELD_OUT = {
  ...TREATED,
  assignment: { holdout: true, bucket: 0.03 },
  policy_version: 'rules-only/884005e8da4dd3cc',
  delivered: [],
  would_have_sent: [{ type: 'resume', slot: 1 }],
};

function decisionError(line: object): string {
  try {
    parseDecisionLine(JSON.stringify(line), WHERE);
  } catch (error) {
    expect(error).toBeInstanceOf(DecisionLogError);
    return (error as Error).message;
  }
  throw new Error('the line was accepted');
}

describe('the nudge type → action map', () => {
  it('sends every nudge type to the action it asks for', () => {
    expect(NUDGE_ACTIONS).toEqual({
      resume: 'upload_resume',
      project: 'add_project',
      quiz: 'take_quiz',
      event_fomo: 'attend_event',
      comeback: 'attend_event',
    });
    expect(Object.keys(NUDGE_ACTIONS)).toEqual([...NUDGE_TYPES]);
    expect(new Set(Object.values(NUDGE_ACTIONS))).toEqual(new Set(OUTCOME_ACTIONS));
  });
});

describe(parseDecisionLine.name, () => {
  it('reads a treated and a held-out decision with their day, unknown fields allowed', () => {
    expect(parseDecisionLine(JSON.stringify({ ...TREATED, extra: [1] }), WHERE)).toEqual({
      record: { ...TREATED, extra: [1] },
      day: DAY,
    });
    expect(parseDecisionLine(JSON.stringify(HELD_OUT), WHERE).record).toEqual(HELD_OUT);
  });

  it.each([
    ['', 'decisions.ndjson line 3 is empty; expected a JSON object'],
    ['{"decision_id": ', 'decisions.ndjson line 3 is not valid JSON: Unexpected end of JSON input'],
    ['[1]', 'decisions.ndjson line 3 is not a JSON object'],
  ])('refuses the line %p', (text, message) => {
    expect(() => parseDecisionLine(text, WHERE)).toThrow(new DecisionLogError(message));
  });

  it.each<[string, object, string]>([
    [
      'a missing decision_id',
      { decision_id: undefined },
      'decision_id: must be a string of 1 to 64 characters',
    ],
    [
      'an empty decision_id',
      { decision_id: '' },
      'decision_id: must be a string of 1 to 64 characters',
    ],
    [
      'a 65-character decision_id',
      { decision_id: 'd'.repeat(65) },
      'decision_id: must be a string of 1 to 64 characters',
    ],
    ['an empty user_id', { user_id: '' }, 'user_id: must be a non-empty string'],
    ['a number as user_id', { user_id: 7 }, 'user_id: must be a non-empty string'],
    ['a day that does not exist', { as_of: '2025-02-30' }, 'as_of: must be a YYYY-MM-DD date'],
    ['a date-time as as_of', { as_of: '2025-06-30T10:00:00Z' }, 'as_of: must be a YYYY-MM-DD date'],
    [
      'no assignment',
      { assignment: undefined },
      'assignment: must be an object with holdout and bucket',
    ],
    [
      'a string holdout',
      { assignment: { holdout: 'no', bucket: 0.4 } },
      'assignment.holdout: must be true or false',
    ],
    [
      'bucket 1',
      { assignment: { holdout: false, bucket: 1 } },
      'assignment.bucket: must be a number in [0, 1)',
    ],
    [
      'a negative bucket',
      { assignment: { holdout: false, bucket: -0.1 } },
      'assignment.bucket: must be a number in [0, 1)',
    ],
    [
      'an empty experiment',
      { assignment: { ...TREATED.assignment, experiment: '' } },
      'assignment.experiment: must be a non-empty string',
    ],
    [
      'a numeric variant',
      { assignment: { ...TREATED.assignment, variant: 2 } },
      'assignment.variant: must be a non-empty string',
    ],
    [
      'an experiment without variant',
      { assignment: { holdout: false, bucket: 0.4, experiment: 'tone' } },
      'assignment: must have both experiment and variant, or neither',
    ],
    [
      'a held-out learner in an experiment',
      { ...HELD_OUT, assignment: { ...TREATED.assignment, holdout: true } },
      'assignment.experiment: must be absent for a held-out learner',
    ],
    [
      'a policy_version of one segment',
      { policy_version: 'rules-only' },
      'policy_version: must be <model set>/<config hash>, then /<experiment>=<variant> for a learner in an experiment',
    ],
    [
      'a policy_version with an empty segment',
      { policy_version: 'rules-only//tone=warm' },
      'policy_version: must be <model set>/<config hash>, then /<experiment>=<variant> for a learner in an experiment',
    ],
    [
      'a policy_version of another variant',
      { policy_version: 'm/h/tone=cold' },
      "policy_version: must end with /tone=warm, the assignment's",
    ],
    [
      'a policy_version naming a variant the assignment has not',
      { ...HELD_OUT, policy_version: 'm/h/tone=warm' },
      'policy_version: must not name a variant: the assignment has none',
    ],
    [
      'features as an array',
      { features: [1, 2] },
      'features: must be an object of feature names to numbers',
    ],
    ['a text feature', { features: { karma: '12' } }, 'features.karma: must be a finite number'],
    ['candidates as an object', { candidates: {} }, 'candidates: must be an array'],
    [
      'a candidate that is a string',
      { candidates: ['resume'] },
      'candidates[0]: must be an object with type, source and score',
    ],
    [
      'a candidate of an unknown type',
      { candidates: [{ type: 'nap', source: 'rule', score: 1 }] },
      'candidates[0].type: must be one of resume, project, quiz, event_fomo, comeback',
    ],
    [
      'a candidate of an unknown source',
      { candidates: [{ type: 'quiz', source: 'llm', score: 1 }] },
      'candidates[0].source: must be "rule" or "ml"',
    ],
    [
      'a candidate without a score',
      { candidates: [{ type: 'quiz', source: 'ml' }] },
      'candidates[0].score: must be a finite number',
    ],
    ['no delivered', { delivered: undefined }, 'delivered: must be an array'],
    [
      'a delivery at slot 0',
      { delivered: [{ type: 'quiz', slot: 0, propensity: 1 }] },
      'delivered[0].slot: must be a whole number of at least 1',
    ],
    [
      'a delivery at slot 1.5',
      { delivered: [{ type: 'quiz', slot: 1.5, propensity: 1 }] },
      'delivered[0].slot: must be a whole number of at least 1',
    ],
    [
      'a delivery of propensity 0',
      { delivered: [{ type: 'quiz', slot: 1, propensity: 0 }] },
      'delivered[0].propensity: must be a number in (0, 1]',
    ],
    [
      'a delivery of propensity above 1',
      { delivered: [{ type: 'quiz', slot: 1, propensity: 1.01 }] },
      'delivered[0].propensity: must be a number in (0, 1]',
    ],
    [
      'a delivery of no type',
      { delivered: [{ slot: 1, propensity: 1 }] },
      'delivered[0].type: must be one of resume, project, quiz, event_fomo, comeback',
    ],
    [
      'a delivery to a held-out learner',
      { ...HELD_OUT, delivered: TREATED.delivered },
      'delivered: must be empty for a held-out learner',
    ],
    [
      'would_have_sent for a treated learner',
      { would_have_sent: [] },
      "would_have_sent: is only for a held-out learner's decision",
    ],
    [
      'would_have_sent as a string',
      { ...HELD_OUT, would_have_sent: 'resume' },
      'would_have_sent: must be an array',
    ],
    [
      'a ghost nudge without a slot',
      { ...HELD_OUT, would_have_sent: [{ type: 'quiz' }] },
      'would_have_sent[0].slot: must be a whole number of at least 1',
    ],
    [
      'a request that is an array',
      { request: [] },
      'request: must be an object (an analyze request)',
    ],
    [
      'a request that is null',
      { request: null },
      'request: must be an object (an analyze request)',
    ],
  ])('refuses %s', (_case, change, message) => {
    expect(decisionError({ ...TREATED, ...change })).toBe(`decisions.ndjson line 3: ${message}`);
  });

  it('refuses a number too large for a double, which JSON reads as Infinity', () => {
    const text = JSON.stringify(TREATED).replace('"karma":12', '"karma":1e999');
    expect(() => parseDecisionLine(text, WHERE)).toThrow(
      new DecisionLogError('decisions.ndjson line 3: features.karma: must be a finite number'),
    );
  });
});

describe(validDecisionRequest.name, () => {
  /** The example learner's request with its history, made for learner u1. */
  const REQUEST = {
    ...EXAMPLE_HISTORY_REQUEST,
    user_data: { ...EXAMPLE_HISTORY_REQUEST.user_data, user_id: 'u1' },
  };
  const withRequest = (request: object) =>
    parseDecisionLine(JSON.stringify({ ...TREATED, request }), WHERE).record;

  it("gives the request as the engine reads it, the decision's day standing in for as_of", () => {
    const sut = validDecisionRequest(withRequest(REQUEST), DAY, WHERE);
    expect(sut?.asOf).toBe(DAY);
    expect(sut?.request.user_data.user_id).toBe('u1');
    expect(sut?.deliveries.map((delivery) => delivery.type)).toEqual(['quiz', 'resume']);
    const undated = { ...REQUEST, as_of: undefined };
    expect(validDecisionRequest(withRequest(undated), DAY, WHERE)?.request.as_of).toBe(
      '2025-06-30',
    );
  });

  it('is undefined for a decision logged without its request', () => {
    expect(
      validDecisionRequest(parseDecisionLine(JSON.stringify(TREATED), WHERE).record, DAY, WHERE),
    ).toBeUndefined();
  });

  it.each<[string, object, string]>([
    [
      "a request the API would refuse, with the engine's field errors",
      { ...REQUEST, peer_snapshot: undefined, history: 'x' },
      'request: peer_snapshot is required; history must be an array of at most 200 objects',
    ],
    [
      "another learner's request",
      EXAMPLE_HISTORY_REQUEST,
      'request.user_data.user_id: must be the decision\'s user_id "u1"',
    ],
    [
      "another day's request",
      { ...REQUEST, as_of: '2025-07-01' },
      "request.as_of: must be the decision's as_of 2025-06-30",
    ],
  ])('refuses %s, naming the line', (_case, request, message) => {
    expect(() => validDecisionRequest(withRequest(request), DAY, WHERE)).toThrow(
      new DecisionLogError(`decisions.ndjson line 3: ${message}`),
    );
  });
});

describe(parseOutcomeLine.name, () => {
  const where = 'outcomes.ndjson line 12';
  const outcome = { user_id: 'u1', action: 'take_quiz', at: '2025-06-30', decision_id: 'd-1' };

  it.each([
    ['2025-06-30', '2025-06-30'],
    ['2025-06-30T23:59:59Z', '2025-06-30'],
    ['2025-06-30t23:59:59.123z', '2025-06-30'],
    // 01:30 at UTC+02:00 is 23:30 UTC the day before; 22:30 at UTC−02:00 is 00:30 UTC the day after.
    ['2025-07-01T01:30:00+02:00', '2025-06-30'],
    ['2025-06-29T22:30:00-02:00', '2025-06-30'],
  ])('counts the UTC day of at = %p', (at, day) => {
    expect(parseOutcomeLine(JSON.stringify({ ...outcome, at }), where)).toEqual({
      record: { ...outcome, at },
      day: parseCalendarDate(day),
    });
  });

  it('takes an outcome without a decision_id, and unknown fields', () => {
    const line = { user_id: 'u1', action: 'attend_event', at: '2025-06-30', source: 'app' };
    expect(parseOutcomeLine(JSON.stringify(line), where).record).toEqual(line);
  });

  it.each<[string, object, string]>([
    ['an empty user_id', { user_id: '' }, 'user_id: must be a non-empty string'],
    [
      'an unknown action',
      { action: 'quiz' },
      'action: must be one of upload_resume, add_project, take_quiz, attend_event',
    ],
    [
      'a day that does not exist',
      { at: '2025-02-29' },
      'at: must be a YYYY-MM-DD date or an RFC 3339 date-time',
    ],
    [
      'hour 24',
      { at: '2025-06-30T24:00:00Z' },
      'at: must be a YYYY-MM-DD date or an RFC 3339 date-time',
    ],
    [
      'a leap second',
      { at: '2025-06-30T23:59:60Z' },
      'at: must be a YYYY-MM-DD date or an RFC 3339 date-time',
    ],
    [
      'a time without offset',
      { at: '2025-06-30T10:00:00' },
      'at: must be a YYYY-MM-DD date or an RFC 3339 date-time',
    ],
    ['a number', { at: 20250630 }, 'at: must be a YYYY-MM-DD date or an RFC 3339 date-time'],
    [
      'an empty decision_id',
      { decision_id: '' },
      'decision_id: must be a string of 1 to 64 characters',
    ],
  ])('refuses %s', (_case, change, message) => {
    expect(() => parseOutcomeLine(JSON.stringify({ ...outcome, ...change }), where)).toThrow(
      new DecisionLogError(`outcomes.ndjson line 12: ${message}`),
    );
  });
});

describe(forEachLine.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'closed-loop-logs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each line with its 1-based number, CRLF or LF, without a last empty line', async () => {
    const path = join(dir, 'log.ndjson');
    await writeFile(path, '{"a":1}\r\n{"a":2}\n\n{"a":3}\n');
    const seen: [string, number][] = [];

    const count = await forEachLine(path, (text, line) => seen.push([text, line]));

    expect(seen).toEqual([
      ['{"a":1}', 1],
      ['{"a":2}', 2],
      ['', 3],
      ['{"a":3}', 4],
    ]);
    expect(count).toBe(4);
  });

  it('splits lines as readline does: lone CRs, CRLF, a last line without a newline, and lines across chunks', async () => {
    // readline (crlfDelay: Infinity) is the reference: the reader was built on it.
    const readlineLines = async (path: string) => {
      const lines: string[] = [];
      for await (const text of createInterface({
        input: createReadStream(path, 'utf8'),
        crlfDelay: Infinity,
      })) {
        lines.push(text);
      }
      return lines;
    };
    // Lines of 1 to 3,000 characters, some multi-byte, so that many of them, and some of their
    // characters, straddle the reader's 256 KB chunks.
    const long = Array.from(
      { length: 400 },
      (_, i) => `{"i":${i},"t":"${'é→😀x'.repeat((i * 37) % 750)}"}`,
    ).join('\n');
    const texts = [
      'a\r\r\nb\rc\n\r\nd',
      '\n\n',
      'one line, no newline',
      'ends with CR\r',
      `${long}\n`,
      `${long}\r\n${long}`,
    ];
    for (const [i, text] of texts.entries()) {
      const path = join(dir, `split-${i}.ndjson`);
      await writeFile(path, text);
      const seen: string[] = [];
      const count = await forEachLine(path, (line, number) => {
        expect(number).toBe(seen.length + 1);
        seen.push(line);
      });
      const expected = await readlineLines(path);
      expect(seen).toEqual(expected);
      expect(count).toBe(expected.length);
    }
  });

  it('gunzips a file whose name ends in .gz, line by line', async () => {
    const path = join(dir, 'log.ndjson.gz');
    await writeFile(path, gzipSync('{"a":1}\r\n{"a":2}\n'));
    const seen: [string, number][] = [];

    const count = await forEachLine(path, (text, line) => seen.push([text, line]));

    expect(seen).toEqual([
      ['{"a":1}', 1],
      ['{"a":2}', 2],
    ]);
    expect(count).toBe(2);
  });

  it('refuses a .gz file that is not gzip, naming it', async () => {
    const path = join(dir, 'plain.ndjson.gz');
    await writeFile(path, '{"a":1}\n');

    await expect(forEachLine(path, () => undefined)).rejects.toThrow(
      new DecisionLogError(`${path}: not valid gzip: incorrect header check`),
    );
  });

  it('refuses a .gz file cut short, after the lines it gave', async () => {
    const path = join(dir, 'cut.ndjson.gz');
    const second = gzipSync('{"a":3}\n');
    await writeFile(path, Buffer.concat([gzipSync('{"a":1}\n{"a":2}\n'), second.subarray(0, 15)]));
    const seen: number[] = [];

    await expect(forEachLine(path, (_text, line) => seen.push(line))).rejects.toThrow(
      new DecisionLogError(`${path} after line 2: not valid gzip: unexpected end of file`),
    );
    expect(seen).toEqual([1, 2]);
  });
});

describe(forEachLogLine.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'closed-loop-logs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the files in the order given, each line with its file and its number there', async () => {
    const first = join(dir, 'decisions-b.ndjson');
    const second = join(dir, 'decisions-a.ndjson.gz');
    await writeFile(first, '{"a":1}\n{"a":2}\n');
    await writeFile(second, gzipSync('{"a":3}\n'));
    const seen: [string, LogLine][] = [];

    const count = await forEachLogLine([first, second], (text, at) => seen.push([text, at]));

    expect(seen).toEqual([
      ['{"a":1}', { file: first, line: 1 }],
      ['{"a":2}', { file: first, line: 2 }],
      ['{"a":3}', { file: second, line: 1 }],
    ]);
    expect(count).toBe(3);
    expect(lineName(seen[2][1])).toBe(`${second} line 1`);
  });
});
