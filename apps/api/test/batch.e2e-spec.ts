import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  compactAnalysis,
  EngagementAnalysis,
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_REQUEST,
  INVALID_REQUEST_TYPE,
} from '@app/contract';
import type * as Ml from '@app/ml';
import { exampleAnswer } from '@app/contract/testing';
import { createTestApp } from './test-app';
import { built } from './built';

const { MlService } = built<typeof Ml>('libs/ml/src');

function learner(userId: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  const body = JSON.parse(JSON.stringify(EXAMPLE_REQUEST));
  body.user_data.user_id = userId;
  delete body.as_of;
  Object.assign(body.user_data.profile, overrides);
  return body;
}

describe('POST /analyze-engagement/batch', () => {
  let app: INestApplication;
  let modelVersion: string | null;

  beforeAll(async () => {
    app = await createTestApp({ BATCH_MAX_ITEMS: '50', BATCH_BODY_LIMIT: '300kb' });
    modelVersion = app.get(MlService).status().modelVersion;
  });

  afterAll(async () => {
    await app.close();
  });

  const postBatch = (body: unknown) =>
    request(app.getHttpServer())
      .post('/analyze-engagement/batch')
      .send(body as object);

  it('answers the documented example: both learners analysed, in order', async () => {
    const response = await postBatch(EXAMPLE_BATCH_REQUEST);
    expect(response.status).toBe(200);
    expect(response.body.results[0]).toEqual({ kind: 'analysis', ...exampleAnswer(modelVersion) });
    expect(response.body.results[1]).toMatchObject({ user_id: 'stu_7024', status: 'generated' });
  });

  it('answers an invalid item with its problem details and the good one regardless', async () => {
    const [good, other] = EXAMPLE_BATCH_REQUEST.items;
    const bad = {
      ...other,
      user_data: { ...other.user_data, profile: { ...other.user_data.profile, karma: '190' } },
    };
    const response = await postBatch({ as_of: '2025-06-30', items: [good, bad] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      results: [
        { kind: 'analysis', ...exampleAnswer(modelVersion) },
        {
          kind: 'error',
          index: 1,
          error: {
            type: INVALID_REQUEST_TYPE,
            title: 'Bad Request',
            status: 400,
            detail: 'invalid request: 1 field failed validation',
            errors: [
              {
                path: 'user_data.profile.karma',
                message: 'user_data.profile.karma must be a non-negative integer',
              },
            ],
          },
        },
      ],
    });
  });

  it('answers ?view=compact with each analysis cut as the single endpoint cuts it, errors as they are', async () => {
    const [good, other] = EXAMPLE_BATCH_REQUEST.items;
    const items = [
      { ...good, decision_id: 'compact-batch-1' },
      { ...other, user_data: null },
      { ...other, decision_id: 'compact-batch-2' },
    ];
    const full = await postBatch({ as_of: '2025-06-30', items });
    const compact = await request(app.getHttpServer())
      .post('/analyze-engagement/batch?view=compact')
      .send({ as_of: '2025-06-30', items });
    expect(compact.status).toBe(200);
    const [first, failed, third] = full.body.results;
    const cut = ({ kind, ...analysis }: { kind: 'analysis' } & EngagementAnalysis) => ({
      kind,
      ...compactAnalysis(analysis),
    });
    expect(compact.text).toBe(JSON.stringify({ results: [cut(first), failed, cut(third)] }));
    expect(failed).toMatchObject({ kind: 'error', index: 1 });
  });

  it('refuses a batch with a view it does not have, naming view', async () => {
    const response = await request(app.getHttpServer())
      .post('/analyze-engagement/batch?view=short')
      .send(EXAMPLE_BATCH_REQUEST);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'view', message: 'view must be one of full, compact' },
    ]);
  });

  it('keeps the order and answers each item as the single endpoint would', async () => {
    // With the caller's decision ids, the same request answers the same, batch or not.
    const items = Array.from({ length: 40 }, (_, i) => ({
      ...learner(`u${i}`, { resume_uploaded: i % 2 === 0, karma: i % 7 === 3 ? -1 : i }),
      decision_id: `d-${i}`,
    }));
    const response = await postBatch({ as_of: '2025-06-30', items });
    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(40);
    for (let i = 0; i < 40; i++) {
      const result = response.body.results[i];
      if (i % 7 === 3) {
        expect(result).toMatchObject({
          kind: 'error',
          index: i,
          error: { errors: [{ path: 'user_data.profile.karma' }] },
        });
        continue;
      }
      const single = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .send({ ...items[i], as_of: '2025-06-30' });
      // The single answer, told apart from a failed item by `kind`, which comes first.
      expect(result).toEqual({ kind: 'analysis', ...single.body });
      expect(Object.keys(result)[0]).toBe('kind');
    }
  });

  it("uses each item's own as_of before the batch's", async () => {
    const own = { ...learner('own'), as_of: '2025-06-20' };
    const response = await postBatch({ as_of: '2025-06-30', items: [own, learner('batch')] });
    expect(response.body.results.map((r: { as_of: string }) => r.as_of)).toEqual([
      '2025-06-20',
      '2025-06-30',
    ]);
  });

  it("answers each item in its own locale, else the batch's, else Accept-Language", async () => {
    const items = [{ ...learner('own'), locale: 'hi' }, learner('batch')];
    const withBatchLocale = await postBatch({ as_of: '2025-06-30', locale: 'es', items });
    expect(withBatchLocale.body.results.map((r: { locale: string }) => r.locale)).toEqual([
      'hi',
      'es',
    ]);
    const fromHeader = await request(app.getHttpServer())
      .post('/analyze-engagement/batch')
      .set('accept-language', 'es-AR,es;q=0.9')
      .send({ as_of: '2025-06-30', items });
    expect(fromHeader.body.results.map((r: { locale: string }) => r.locale)).toEqual(['hi', 'es']);
  });

  it('answers an empty batch with no results', async () => {
    const response = await postBatch({ items: [] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ results: [] });
  });

  it.each([
    [{}, 'items', 'items is required'],
    [{ items: 'x' }, 'items', 'items must be an array of analysis requests'],
    [
      { items: [], as_of: '2025-02-30' },
      'as_of',
      'as_of must be a real calendar date: 2025-02-30 does not exist',
    ],
    [
      { items: Array.from({ length: 51 }, () => ({})) },
      'items',
      'items must have at most 50 items (has 51)',
    ],
  ])('answers a bad envelope %j with 400 naming %s', async (body, path, message) => {
    const response = await postBatch(body);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path, message }]);
  });

  it('takes bodies up to BATCH_BODY_LIMIT while the single route keeps BODY_LIMIT', async () => {
    const items = Array.from({ length: 50 }, (_, i) =>
      learner(`u${i}`, { goal_tags: ['x'.repeat(60)] }),
    );
    const big = { items, padding: 'p'.repeat(150 * 1024) };
    expect((await postBatch(big)).status).toBe(200);
    const single = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .send({ ...EXAMPLE_REQUEST, padding: 'p'.repeat(150 * 1024) });
    expect(single.status).toBe(413);
    const tooBig = await postBatch({ items: [], padding: 'p'.repeat(310 * 1024) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: `the body is over this route's limit of ${300 * 1024} bytes`,
    });
  });

  it('is in the OpenAPI document with its example', async () => {
    const doc = (await request(app.getHttpServer()).get('/docs-json')).body;
    const operation = doc.paths['/analyze-engagement/batch'].post;
    expect(
      operation.requestBody.content['application/json'].examples['two learners'].value,
    ).toEqual(EXAMPLE_BATCH_REQUEST);
    const results = doc.components.schemas.AnalyzeEngagementBatchResponseDto.properties.results;
    expect(results.items).toEqual({
      oneOf: [
        { $ref: '#/components/schemas/BatchAnalysisDto' },
        { $ref: '#/components/schemas/BatchItemErrorDto' },
      ],
      discriminator: {
        propertyName: 'kind',
        mapping: {
          analysis: '#/components/schemas/BatchAnalysisDto',
          error: '#/components/schemas/BatchItemErrorDto',
        },
      },
    });
  });
});
