import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { EXAMPLE_REQUEST, parseDecisionLine, validDecisionRequest } from '@app/contract';
import { Collector } from './collector';
import { HttpClient, listenForTests } from './http-client';
import { createTestApp } from './test-app';

/** The `/health` entry docs/closed-loop.md shows for a log whose collector is down. */
function documentedDegradedEntry(): Record<string, unknown> {
  const markdown = readFileSync(join(__dirname, '../../../docs/closed-loop.md'), 'utf8');
  const after = markdown.slice(markdown.indexOf('**Health and metrics.**'));
  const [, entry] = /```json\n([\s\S]*?)\n```/.exec(after) ?? [];
  return JSON.parse(entry) as Record<string, unknown>;
}

const FEATURE_COUNT = 18;

/** Learners 0…n−1, the example learner under other ids, every fifth on another day. */
function learners(n: number, prefix: string): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    ...EXAMPLE_REQUEST,
    user_data: { ...EXAMPLE_REQUEST.user_data, user_id: `${prefix}-${i}` },
    ...(i % 5 === 0 ? { as_of: '2025-07-14' } : {}),
  }));
}

describe('the decision log (DECISION_LOG)', () => {
  let collector: Collector;
  beforeEach(async () => {
    collector = new Collector();
    await collector.up();
  });
  afterEach(() => collector.down());

  async function run(env: Record<string, string>, work: (client: HttpClient) => Promise<string[]>) {
    const app: INestApplication = await createTestApp({
      DECISION_LOG: collector.url,
      DECISION_LOG_FLUSH_MS: '50',
      ...env,
    });
    const client = await listenForTests(app);
    let ids: string[];
    try {
      ids = await work(client);
    } finally {
      client.close();
      // Closing flushes the log.
      await app.close();
    }
    return ids;
  }

  const post = async (client: HttpClient, url: string, body: unknown) => {
    const answer = await client.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    expect(answer.statusCode).toBe(200);
    return answer.json();
  };

  /** Singles and a batch with two broken items: the ids of the decisions made, in order. */
  const singlesAndBatch = async (client: HttpClient): Promise<string[]> => {
    const ids: string[] = [];
    for (const request of learners(3, 'single')) {
      ids.push((await post(client, '/analyze-engagement', request)).decision_id);
    }
    const items: unknown[] = learners(20, 'batch');
    items[4] = { user_data: {} };
    items[11] = 'not a request';
    const answer = await post(client, '/analyze-engagement/batch', { items });
    for (const result of answer.results)
      if (result.kind === 'analysis') ids.push(result.decision_id);
    return ids;
  };

  it.each([
    ['2', '1'],
    ['0', '0'],
  ])(
    'logs every decision of the single and batch endpoints, BATCH_THREADS=%s, ANALYZE_THREADS=%s, each line one ope can replay',
    async (batchThreads, analyzeThreads) => {
      const ids = await run(
        { BATCH_THREADS: batchThreads, ANALYZE_THREADS: analyzeThreads },
        singlesAndBatch,
      );

      const lines = collector.lines;
      expect(ids).toHaveLength(21);
      expect(lines.map((line) => JSON.parse(line).decision_id)).toEqual(ids);
      lines.forEach((text, i) => {
        const where = `line ${i + 1}`;
        const { record, day } = parseDecisionLine(text, where);
        const valid = validDecisionRequest(record, day, where);
        expect(valid?.request.user_data.user_id).toBe(record.user_id);
        expect(record.request?.decision_id).toBe(record.decision_id);
        expect(Object.keys(record.features)).toHaveLength(FEATURE_COUNT);
      });
      expect(lines.map((line) => JSON.parse(line).as_of)).toEqual(
        [
          0,
          1,
          2,
          ...Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 4 && i !== 11),
        ].map((i) => (i % 5 === 0 ? '2025-07-14' : EXAMPLE_REQUEST.as_of)),
      );
    },
  );

  it('keeps the features without the request under DECISION_LOG_REQUEST=features, and neither under none', async () => {
    await run({ DECISION_LOG_REQUEST: 'features' }, singlesAndBatch);
    const featuresOnly = collector.lines.map((line) => JSON.parse(line));
    collector.batches.splice(0);
    await run({ DECISION_LOG_REQUEST: 'none' }, singlesAndBatch);
    const bare = collector.lines.map((line) => JSON.parse(line));

    expect(featuresOnly).toHaveLength(21);
    expect(featuresOnly.filter((line) => 'request' in line)).toEqual([]);
    expect(featuresOnly.every((line) => Object.keys(line.features).length === FEATURE_COUNT)).toBe(
      true,
    );
    expect(bare).toHaveLength(21);
    expect(
      bare.filter((line) => 'request' in line || Object.keys(line.features).length > 0),
    ).toEqual([]);
  });

  it('says in /health that the log is degraded while the collector is down, serves, stays ready, and delivers once it is up', async () => {
    await collector.down();
    const ids = await run({}, async (client) => {
      const made: string[] = [];
      for (const request of learners(5, 'down')) {
        made.push((await post(client, '/analyze-engagement', request)).decision_id);
      }
      const until = Date.now() + 10_000;
      let health = (await client.send({ method: 'GET', url: '/health' })).json();
      while (health.details.decision_log.degraded !== true && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        health = (await client.send({ method: 'GET', url: '/health' })).json();
      }
      expect(health.status).toBe('ok');
      expect(health.details.decision_log).toMatchObject({
        status: 'up',
        mode: 'http',
        request: 'full',
        target: collector.url,
        degraded: true,
        last_error: 'ECONNREFUSED',
        dropped: 0,
      });
      // The entry docs/closed-loop.md shows is this one, but for the collector's address and the
      // bytes held at that moment.
      const live = health.details.decision_log;
      expect({
        ...documentedDegradedEntry(),
        target: live.target,
        buffered_bytes: live.buffered_bytes,
      }).toEqual(live);
      expect((await client.send({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

      await collector.up();
      const counted = ['lines_total', 'written_lines_total', 'dropped_total'].map(
        (name) => `decision_log_${name} `,
      );
      const metrics = async () =>
        (await client.send({ method: 'GET', url: '/metrics' })).body
          .split('\n')
          .filter((line) => counted.some((name) => line.startsWith(name)));
      // The log's thread counts a batch written once the collector has answered it, a moment
      // after the collector has its lines: wait for both.
      const written = 'decision_log_written_lines_total 5';
      while (
        (collector.lines.length < 5 || !(await metrics()).includes(written)) &&
        Date.now() < until + 10_000
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await metrics()).toEqual([
        'decision_log_lines_total 5',
        'decision_log_written_lines_total 5',
        'decision_log_dropped_total 0',
      ]);
      return made;
    });

    expect(collector.lines.map((line) => JSON.parse(line).decision_id)).toEqual(ids);
  }, 60_000);
});
