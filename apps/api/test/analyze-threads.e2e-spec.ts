import type { INestApplication } from '@nestjs/common';
import { EXAMPLE_REQUEST } from '@app/contract';
import { withField } from '@app/contract/testing';
import { requestCorpus } from '../../../test/bench/src/corpus';
import { HttpClient, listenForTests } from './http-client';
import { createTestApp } from './test-app';

/** 200 simulated learners with their own decision ids, every seventh in Spanish. */
const LEARNERS = requestCorpus(200, 23).map((learner, i) => ({
  ...learner,
  decision_id: `d-${i}`,
  ...(i % 7 === 0 ? { locale: 'es' } : {}),
}));

/** Bodies that must be refused, as bytes on the wire. */
const REFUSED: [name: string, body: string | Buffer][] = [
  ['a field of the wrong type', JSON.stringify(withField('user_data.profile.karma', '190'))],
  ['an impossible day', JSON.stringify(withField('as_of', '2025-02-30'))],
  ['a share over 100', JSON.stringify(withField('peer_snapshot.batch_resume_uploaded_pct', 101))],
  ['no user_data', JSON.stringify(withField('user_data', null))],
  ['an array', '[]'],
  ['an empty body', ''],
  ['malformed JSON', '{"user_data": {'],
  ['a prototype key', '{"user_data": {}, "__proto__": {"polluted": true}}'],
  ['nesting too deep', '{"user_data": ' + '['.repeat(40) + ']'.repeat(40) + '}'],
  ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
];

describe('request threads (ANALYZE_THREADS) answer exactly as the event loop does', () => {
  let threaded: INestApplication;
  let inline: INestApplication;
  let threadedClient: HttpClient;
  let inlineClient: HttpClient;

  beforeAll(async () => {
    threaded = await createTestApp({ ANALYZE_THREADS: '2' });
    inline = await createTestApp({ ANALYZE_THREADS: '0' });
    threadedClient = await listenForTests(threaded);
    inlineClient = await listenForTests(inline);
  });

  afterAll(async () => {
    threadedClient.close();
    inlineClient.close();
    await threaded.close();
    await inline.close();
  });

  const both = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) => {
    const exchange = {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    };
    return Promise.all([threadedClient.send(exchange), inlineClient.send(exchange)]);
  };

  it.each(['full', 'compact'])(
    'answers 200 seeded learners in the %s view with the same bytes, in any language',
    async (view) => {
      const answers = await Promise.all(
        LEARNERS.map((learner, i) =>
          both(
            `/analyze-engagement?view=${view}`,
            JSON.stringify(learner),
            i % 5 === 0 ? { 'accept-language': 'hi' } : {},
          ),
        ),
      );
      answers.forEach(([a, b], i) => {
        expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
        expect(a.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(b.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(a.body).toBe(b.body);
        expect(a.json().decision_id).toBe(`d-${i}`);
      });
      const nudged = answers.filter(([a]) => a.json().nudges.length > 0);
      expect(nudged.length).toBeGreaterThan(100);
    },
  );

  it.each(REFUSED)('%s: the same 400, word for word', async (_name, payload) => {
    const [a, b] = await both('/analyze-engagement', payload);
    expect(a.statusCode).toBe(400);
    expect(b.statusCode).toBe(400);
    expect(a.headers['content-type']).toBe(b.headers['content-type']);
    expect(a.json()).toEqual({ ...b.json(), instance: a.json().instance });
  });

  it('answers a body without a Content-Type, and a bad view, as the event loop does', async () => {
    const bare = { method: 'POST', url: '/analyze-engagement' };
    const [a, b] = await Promise.all([threadedClient.send(bare), inlineClient.send(bare)]);
    expect([a.statusCode, b.statusCode]).toEqual([400, 400]);
    expect(a.json().errors).toEqual(b.json().errors);
    const [c, d] = await both('/analyze-engagement?view=short', JSON.stringify(EXAMPLE_REQUEST));
    expect([c.statusCode, d.statusCode]).toEqual([400, 400]);
    expect(c.json().errors).toEqual(d.json().errors);
    expect(c.json().errors[0].path).toBe('view');
  });

  it('counts the nudges of threaded answers in /metrics as the event loop does', async () => {
    const metric = async (client: HttpClient) =>
      (await client.send({ method: 'GET', url: '/metrics' })).body
        .split('\n')
        .filter((line) => line.startsWith('nudges_total{'))
        .sort();
    const threadedCounts = await metric(threadedClient);
    expect(threadedCounts).toEqual(await metric(inlineClient));
    expect(threadedCounts.length).toBeGreaterThan(3);
  });
});
