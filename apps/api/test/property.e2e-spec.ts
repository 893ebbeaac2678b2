import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { validRequest } from './property/arbitraries';
import { mutate, mutation, related, serialize } from './property/mutations';
import {
  analysisProblems,
  badRequestProblems,
  BODY_LIMIT,
  isoOf,
  Request,
  ruleProblems,
  todayDay,
  TOO_LARGE,
} from './property/oracle';
import { HttpClient, listenForTests } from './http-client';
import { createTestApp } from './test-app';

/**
 * Property-based tests of POST /analyze-engagement, over kept-alive local sockets, on the adapter
 * the run is for. Valid requests are generated, checked against an independent re-implementation of
 * the rule table and FOMO formula, then mutated and mangled: whatever arrives, the answer is a
 * 200 that matches the response schema, or a 4xx that names the problem, never a 5xx, and every
 * request gets one.
 */

// A fixed seed makes every run the same run; change it to explore, keep it to reproduce.
const SEED = 20250630;
const TIMEOUT_MS = 120_000;
// The valid and mutated requests check the engine and validation, which no adapter touches: all of
// them on the default adapter, a third on the other, which gets every mangled body.
const ENGINE_DIVISOR = process.env.HTTP_ADAPTER === 'fastify' ? 3 : 1;
const RUNS = {
  valid: 1500 / ENGINE_DIVISOR,
  mutated: 2400 / ENGINE_DIVISOR,
  json: 400,
  text: 600,
  bytes: 300,
  contentType: 200,
};

describe(`EngagementController: POST /analyze-engagement under generated input`, () => {
  let app: INestApplication;
  let client: HttpClient;
  const tally: Record<number, number> = {};

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_MAX: '0' });
    client = await listenForTests(app);
  });

  afterAll(async () => {
    client.close();
    await app.close();
  });

  async function post(payload: string | Buffer, contentType = 'application/json') {
    const response = await client.send({
      method: 'POST',
      url: '/analyze-engagement',
      headers: { 'content-type': contentType },
      payload,
    });
    tally[response.statusCode] = (tally[response.statusCode] ?? 0) + 1;
    const body = response.json();
    const problems: string[] = [];
    if (response.statusCode >= 500) problems.push(`a ${response.statusCode}`);
    const answeredType = String(response.headers['content-type']);
    const expectedType =
      response.statusCode === 200 ? 'application/json' : 'application/problem+json';
    if (answeredType !== `${expectedType}; charset=utf-8`) {
      problems.push(`content-type ${answeredType} for a ${response.statusCode}`);
    }
    expect(problems).toEqual([]);
    return { status: response.statusCode, body, size: Buffer.byteLength(payload) };
  }

  /** Shape checks every answer gets, whatever was sent; the size decides 413 and nothing else. */
  function expectWellFormed(answer: { status: number; body: any; size: number }): void {
    const problems =
      answer.status === 200
        ? analysisProblems(answer.body)
        : answer.status === 400
          ? badRequestProblems(answer.body)
          : answer.status === 413
            ? JSON.stringify(answer.body) === JSON.stringify(TOO_LARGE)
              ? []
              : ['not the 413 body']
            : [`unexpected status ${answer.status}: ${JSON.stringify(answer.body)}`];
    if ((answer.status === 413) !== answer.size > BODY_LIMIT) {
      problems.push(`${answer.status} for a body of ${answer.size} bytes`);
    }
    expect(problems).toEqual([]);
  }

  it(
    `answers ${RUNS.valid} valid requests with 200, the rule table's nudges and FOMO, in order`,
    async () => {
      await fc.assert(
        fc.asyncProperty(validRequest, async (request) => {
          const before = todayDay();
          const answer = await post(serialize(request));
          expect(answer.status).toBe(200);
          const problems = [
            ...analysisProblems(answer.body),
            ...ruleProblems(request, answer.body),
          ];
          if (answer.body.user_id !== request.user_data.user_id) problems.push('user_id changed');
          const asOf = request.as_of ?? [isoOf(before), isoOf(todayDay())];
          if (!asOf.includes(answer.body.as_of)) problems.push(`as_of ${answer.body.as_of}`);
          expect(problems).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS.valid },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.mutated} mutated requests with a 200 that follows the rules, or a 400/413 naming the problem`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          validRequest,
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          async (request, mutations) => {
            const doc = { root: structuredClone(request) as unknown };
            const touched = mutate(doc, mutations);
            const payload = doc.root === undefined ? '' : serialize(doc.root);
            const answer = await post(payload);
            expectWellFormed(answer);
            const problems: string[] = [];
            if (answer.status === 200) {
              // Accepted, so it is a request: the same independent checks as for valid ones.
              const accepted = JSON.parse(payload) as Request;
              if (answer.body.user_id !== accepted.user_data.user_id) problems.push('user_id');
              problems.push(...ruleProblems(accepted, answer.body));
            }
            // After one change, every field named must be the changed one, inside it or holding
            // it (an earlier as_of, though, can turn any date into a future one).
            if (answer.status === 400 && answer.body.errors && touched.length === 1) {
              for (const { path } of touched[0] === 'as_of' ? [] : answer.body.errors) {
                if (!related(path, touched[0])) problems.push(`${path} named for ${touched[0]}`);
              }
            }
            expect(problems).toEqual([]);
          },
        ),
        { seed: SEED, numRuns: RUNS.mutated },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.json} arbitrary JSON documents with a 4xx, never a 5xx`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
          expectWellFormed(await post(JSON.stringify(value) ?? 'null'));
        }),
        { seed: SEED, numRuns: RUNS.json },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.text} textually mangled requests (JSON broken anywhere)`,
    async () => {
      const edit = fc.record({
        at: fc.nat(),
        op: fc.constantFrom('delete', 'insert', 'replace', 'truncate'),
        text: fc.oneof(
          fc.constantFrom(
            '{',
            '}',
            '[',
            ']',
            '"',
            ',',
            ':',
            '\\',
            '0',
            '-',
            'e',
            'null',
            '\u0000',
            '\ud800',
            'é',
            ' ',
          ),
          fc.string({ unit: 'binary', maxLength: 4 }),
        ),
      });
      await fc.assert(
        fc.asyncProperty(
          validRequest,
          fc.array(edit, { minLength: 1, maxLength: 4 }),
          async (request, edits) => {
            let text = serialize(request);
            for (const { at, op, text: t } of edits) {
              const i = at % (text.length + 1);
              if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
              else if (op === 'insert') text = text.slice(0, i) + t + text.slice(i);
              else if (op === 'replace') text = text.slice(0, i) + t + text.slice(i + 1);
              else text = text.slice(0, i);
            }
            expectWellFormed(await post(text));
          },
        ),
        { seed: SEED, numRuns: RUNS.text },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.bytes} requests with random bytes flipped (invalid UTF-8 included)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          validRequest,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 6,
          }),
          async (request, flips) => {
            const bytes = Buffer.from(serialize(request));
            for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
            expectWellFormed(await post(bytes));
          },
        ),
        { seed: SEED, numRuns: RUNS.bytes },
      );
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS.contentType} requests with other media types with 415`,
    async () => {
      const mediaType = fc
        .oneof(
          fc.constantFrom(
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'text/json',
          ),
          fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}$/),
        )
        .filter((type) => type !== 'application/json');
      await fc.assert(
        fc.asyncProperty(validRequest, mediaType, async (request, type) => {
          const answer = await post(serialize(request), type);
          expect(answer.status).toBe(415);
          expect(answer.body).toEqual({
            type: 'about:blank',
            title: 'Unsupported Media Type',
            status: 415,
            detail: `Content-Type ${type} is not supported: send application/json`,
          });
        }),
        { seed: SEED, numRuns: RUNS.contentType },
      );
    },
    TIMEOUT_MS,
  );

  it('met every kind of answer along the way', () => {
    // Guards the generators: a property that only ever sees 400s proves little.
    expect(Object.keys(tally).map(Number).sort()).toEqual([200, 400, 413, 415]);
    const total = Object.values(tally).reduce((sum, n) => sum + n, 0);
    expect(total).toBe(Object.values(RUNS).reduce((sum, n) => sum + n, 0));
  });
});
