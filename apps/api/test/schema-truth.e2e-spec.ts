import type { INestApplication } from '@nestjs/common';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { requestCorpus } from '../../../test/bench/src/corpus';
import { createTestApp } from './test-app';

/** The 200 answer's schema of an operation in the served document. */
function answerSchema(doc: any, path: string): { anyOf: { $ref: string }[] } {
  return doc.paths[path].post.responses['200'].content['application/json'].schema;
}

/**
 * A component's schema, by reference into the served document. The answers are checked against
 * their view's schema, not the operation's anyOf of both views: a full answer missing its
 * reasons would still pass as a compact one.
 */
function componentValidator(ajv: Ajv, name: string): ValidateFunction {
  return ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
}

/**
 * OpenAPI 3.0 writes an exclusive bound as draft 4 did (`minimum: 0, exclusiveMinimum: true`);
 * Ajv reads JSON Schema's later form (`exclusiveMinimum: 0`). A discriminator loses its mapping
 * (below). Everything else is read as served.
 */
function laterBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(laterBounds);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = laterBounds(value);
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[flag] === true) {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) delete out[flag];
  }
  // Ajv picks a discriminator's branch by the property's value in each branch; it refuses the
  // `mapping` OpenAPI adds for code generators (which says the same).
  if (out.discriminator !== undefined) {
    const { propertyName } = out.discriminator as { propertyName: string };
    out.discriminator = { propertyName };
  }
  return out;
}

/** Dates the corpus (dated up to 2025-06-30) can be answered for. */
const AS_OFS = ['2025-06-30', '2025-09-01', '2026-01-01'];
const LOCALES = [undefined, 'es', 'hi'];

/** Learners at the edges: nothing on record, no dates at all, everything at its limit. */
function edgeLearners(): Record<string, unknown>[] {
  const [base] = requestCorpus(1, 41) as [
    { user_data: Record<string, unknown>; peer_snapshot: Record<string, unknown> },
  ];
  const nothing = {
    user_data: {
      ...base.user_data,
      user_id: 'edge-nothing',
      profile: {
        resume_uploaded: false,
        goal_tags: [],
        karma: 0,
        projects_added: 0,
        quiz_history: [],
        clubs_joined: [],
        buddy_count: 0,
      },
      activity: { login_streak: 0, posts_created: 0, buddies_interacted: 0 },
    },
    peer_snapshot: {
      batch_avg_projects: 0,
      batch_resume_uploaded_pct: 0,
      batch_event_attendance: {},
      buddies_attending_events: [],
    },
  };
  const nulls = {
    ...nothing,
    user_data: {
      ...nothing.user_data,
      user_id: 'edge-nulls',
      profile: { ...nothing.user_data.profile, quiz_history: ['python', 'sql'] },
      activity: {
        login_streak: 3,
        posts_created: 1,
        buddies_interacted: 0,
        last_event_attended: null,
        last_quiz_taken: null,
      },
    },
    peer_snapshot: {
      batch_avg_projects: 4,
      batch_resume_uploaded_pct: 95,
      batch_event_attendance: { 'ai-summit': 40 },
      buddies_attending_events: ['ai-summit'],
    },
  };
  const history = {
    ...base,
    user_data: { ...base.user_data, user_id: 'edge-history' },
    history: [
      { type: 'quiz', sent_at: '2025-06-28T09:30:00Z', outcome: 'dismissed' },
      { type: 'resume', sent_at: '2025-06-20' },
    ],
    decision_id: 'edge-decision-1',
  };
  return [nothing, nulls, history];
}

describe('the served OpenAPI document is true of every answer', () => {
  let app: INestApplication;
  let doc: any;
  let single: ValidateFunction;
  let batch: ValidateFunction;
  let singleCompact: ValidateFunction;
  let batchCompact: ValidateFunction;

  beforeAll(async () => {
    app = await createTestApp();
    doc = (await request(app.getHttpServer()).get('/docs-json')).body;
    // OpenAPI 3.0 schemas: `nullable`, `discriminator`, and `example` beside the JSON Schema.
    const ajv = new Ajv({ strict: false, allErrors: true, discriminator: true });
    addFormats(ajv);
    ajv.addSchema(laterBounds(doc) as object, 'openapi.json');
    single = componentValidator(ajv, 'AnalyzeEngagementResponseDto');
    batch = componentValidator(ajv, 'AnalyzeEngagementBatchResponseDto');
    singleCompact = componentValidator(ajv, 'CompactAnalysisResponseDto');
    batchCompact = componentValidator(ajv, 'AnalyzeEngagementCompactBatchResponseDto');
  });

  it('documents each 200 answer as one of its two views', () => {
    const refs = (path: string) => answerSchema(doc, path).anyOf.map((entry) => entry.$ref);
    expect(refs('/analyze-engagement')).toEqual([
      '#/components/schemas/AnalyzeEngagementResponseDto',
      '#/components/schemas/CompactAnalysisResponseDto',
    ]);
    expect(refs('/analyze-engagement/batch')).toEqual([
      '#/components/schemas/AnalyzeEngagementBatchResponseDto',
      '#/components/schemas/AnalyzeEngagementCompactBatchResponseDto',
    ]);
  });

  afterAll(() => app.close());

  /** Each learner on each date in each language, and the edge learners likewise. */
  const requests = (): Record<string, unknown>[] =>
    [...requestCorpus(120, 23), ...edgeLearners()].flatMap((learner, i) =>
      AS_OFS.map((asOf, k) => {
        const locale = LOCALES[(i + k) % LOCALES.length];
        return { ...learner, as_of: asOf, ...(locale !== undefined && { locale }) };
      }),
    );

  it('validates each single answer of a seeded corpus, dates and languages apart', async () => {
    const failures: string[] = [];
    let answered = 0;
    for (const body of requests()) {
      const response = await request(app.getHttpServer()).post('/analyze-engagement').send(body);
      expect(response.status).toBe(200);
      answered++;
      if (!single(response.body)) {
        failures.push(`${JSON.stringify(body).slice(0, 80)}…: ${ajvErrors(single)}`);
      }
    }
    expect(answered).toBe((120 + 3) * AS_OFS.length);
    expect(failures).toEqual([]);
  }, 120_000);

  it('validates each compact single answer against the compact schema', async () => {
    const failures: string[] = [];
    for (const body of requests().filter((_, i) => i % 3 === 0)) {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement?view=compact')
        .send(body);
      expect(response.status).toBe(200);
      if (!singleCompact(response.body)) {
        failures.push(`${JSON.stringify(body).slice(0, 80)}…: ${ajvErrors(singleCompact)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it.each([
    ['full', () => batch],
    ['compact', () => batchCompact],
  ])(
    'validates every batch answer in the %s view, failed items included',
    async (view, of) => {
      const validate = of();
      const items = requests();
      // Every seventh item broken, so failed items are checked too.
      const mixed = items.map((item, i) => (i % 7 === 3 ? { ...item, user_data: null } : item));
      const failures: string[] = [];
      for (let start = 0; start < mixed.length; start += 50) {
        const response = await request(app.getHttpServer())
          .post(`/analyze-engagement/batch?view=${view}`)
          .send({ items: mixed.slice(start, start + 50) });
        expect(response.status).toBe(200);
        if (!validate(response.body)) failures.push(`batch at ${start}: ${ajvErrors(validate)}`);
      }
      expect(failures).toEqual([]);
    },
    120_000,
  );
});

function ajvErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 3)
    .map((error) => `${error.instancePath} ${error.message}`)
    .join('; ');
}
