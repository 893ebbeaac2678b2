import type { INestApplication } from '@nestjs/common';
import { compactAnalysis, EngagementAnalysis, EXAMPLE_REQUEST } from '@app/contract';
import { withField } from '@app/contract/testing';
import { requestCorpus } from '../../../test/bench/src/corpus';
import { HttpClient, listenForTests } from './http-client';
import { createTestApp } from './test-app';

/** 300 simulated learners with their own decision ids, every tenth made invalid in its own way. */
function items(): unknown[] {
  const breakages: [string, unknown][] = [
    ['user_data.profile.karma', '190'],
    ['as_of', '2025-02-30'],
    ['peer_snapshot.batch_resume_uploaded_pct', 101],
    ['user_data.activity.last_event_attended', '2030-01-01'],
    ['user_data', null],
  ];
  return requestCorpus(300, 11).map((learner, i) => {
    const item = { ...learner, decision_id: `d-${i}`, ...(i % 7 === 0 ? { locale: 'es' } : {}) };
    if (i % 10 !== 3) return item;
    const [path, value] = breakages[((i / 10) % breakages.length) | 0];
    return { ...withField(path, value), decision_id: `d-${i}` };
  });
}

/** Whole bodies, good and bad, as bytes on the wire. */
const BODIES: [name: string, body: string | Buffer, contentType?: string][] = [
  ['a varied batch', JSON.stringify({ as_of: '2025-06-30', items: items() })],
  [
    'a batch with a locale',
    JSON.stringify({ locale: 'hi', items: [{ ...EXAMPLE_REQUEST, decision_id: 'd-hi' }] }),
  ],
  ['no items', JSON.stringify({ items: [] })],
  ['a bad envelope', JSON.stringify({ items: 'x', as_of: '2025-13-01' })],
  ['too many items', JSON.stringify({ items: Array(301).fill({}) })],
  ['an array', '[]'],
  ['an empty body', ''],
  ['malformed JSON', '{"items": [1, 2'],
  ['a prototype key', '{"items": [], "__proto__": {"polluted": true}}'],
  ['nesting too deep', '{"items": [' + '['.repeat(40) + ']'.repeat(40) + ']}'],
  ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
];

describe('batch threads answer exactly as the event loop does', () => {
  let threaded: INestApplication;
  let inline: INestApplication;
  let threadedClient: HttpClient;
  let inlineClient: HttpClient;

  beforeAll(async () => {
    const env = { BATCH_MAX_ITEMS: '300' };
    threaded = await createTestApp({ ...env, BATCH_THREADS: '2' });
    inline = await createTestApp({ ...env, BATCH_THREADS: '0' });
    threadedClient = await listenForTests(threaded);
    inlineClient = await listenForTests(inline);
  });

  afterAll(async () => {
    threadedClient.close();
    inlineClient.close();
    await threaded.close();
    await inline.close();
  });

  it.each(BODIES)('%s: the same status, headers and bytes', async (_name, payload) => {
    const exchange = {
      method: 'POST',
      url: '/analyze-engagement/batch',
      headers: { 'content-type': 'application/json', 'accept-language': 'es' },
      payload,
    };
    const [a, b] = await Promise.all([threadedClient.send(exchange), inlineClient.send(exchange)]);
    expect(a.statusCode).toBe(b.statusCode);
    expect(a.headers['content-type']).toBe(b.headers['content-type']);
    expect(a.body).toBe(b.body);
  });

  it('answers the compact view as the event loop does, each analysis cut from the full one', async () => {
    const exchange = (view: string) => ({
      method: 'POST',
      url: `/analyze-engagement/batch?view=${view}`,
      headers: { 'content-type': 'application/json' },
      payload: BODIES[0][1],
    });
    // Both apps answer the same batches, so their nudge counts stay comparable (below).
    const [a, b, full] = await Promise.all([
      threadedClient.send(exchange('compact')),
      inlineClient.send(exchange('compact')),
      threadedClient.send(exchange('full')),
      inlineClient.send(exchange('full')),
    ]);
    expect(a.statusCode).toBe(200);
    expect(a.body).toBe(b.body);
    const cut = (result: { kind: string } & EngagementAnalysis) =>
      result.kind === 'error' ? result : { kind: 'analysis', ...compactAnalysis(result) };
    const expected = (full.json().results as ({ kind: string } & EngagementAnalysis)[]).map(cut);
    expect(a.body).toBe(JSON.stringify({ results: expected }));
  });

  it('answers the varied batch with 270 analyses and 30 item errors, in order', async () => {
    const exchange = {
      method: 'POST',
      url: '/analyze-engagement/batch',
      headers: { 'content-type': 'application/json' },
      payload: BODIES[0][1],
    };
    // The event loop gets it too, so both apps have answered the same batches for the metrics.
    const [answer] = await Promise.all([
      threadedClient.send(exchange),
      inlineClient.send(exchange),
    ]);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    const results = answer.json().results as Record<string, unknown>[];
    expect(results.map((r) => r.decision_id ?? `error ${String(r.index)}`)).toEqual(
      Array.from({ length: 300 }, (_, i) => (i % 10 === 3 ? `error ${i}` : `d-${i}`)),
    );
  });

  it('counts the nudges of a threaded batch in /metrics as the event loop does', async () => {
    const metric = async (client: HttpClient) =>
      (await client.send({ method: 'GET', url: '/metrics' })).body
        .split('\n')
        .filter((line) => line.startsWith('nudges_total{'))
        .sort();
    const threadedCounts = await metric(threadedClient);
    expect(threadedCounts).toEqual(await metric(inlineClient));
    expect(threadedCounts.length).toBeGreaterThan(3);
  });

  it('frees the answer slots a response read its chunks from once the response is sent', async () => {
    const taken = async (client: HttpClient) => {
      const line = (await client.send({ method: 'GET', url: '/metrics' })).body
        .split('\n')
        .find((text) => text.startsWith('batch_answer_slots_taken '));
      return Number(line?.split(' ')[1]);
    };
    const batch = {
      method: 'POST',
      url: '/analyze-engagement/batch',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ items: [EXAMPLE_REQUEST] }),
    };
    // More one-chunk answers, one after another, than the two threads have slots (8 each).
    for (let i = 0; i < 20; i++) expect((await threadedClient.send(batch)).statusCode).toBe(200);
    // A slot is freed when its response closes, just after the client has read the last byte.
    let count = await taken(threadedClient);
    for (let tries = 0; count !== 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      count = await taken(threadedClient);
    }
    expect(count).toBe(0);
    expect(await taken(inlineClient)).toBe(0);
  });
});
