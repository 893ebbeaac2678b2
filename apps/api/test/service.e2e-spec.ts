import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EXAMPLE_ANALYSIS, EXAMPLE_REQUEST } from '@app/contract';
import type * as Engagement from '@app/engagement';
import type * as Ml from '@app/ml';
import { exampleAnswer } from '@app/contract/testing';
import { createTestApp } from './test-app';
import { built } from './built';

const { loadEngineConfig } = built<typeof Engagement>('libs/engagement/src');
const { MlService } = built<typeof Ml>('libs/ml/src');

const CONFIG_HASH = loadEngineConfig('config/config.json').hash;

describe('HealthController', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET /health reports the config and models, 200', async () => {
    const status = app.get(MlService).status();
    const response = await request(app.getHttpServer()).get('/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.info.config).toEqual({ status: 'up', hash: CONFIG_HASH });
    expect(response.body.info.models).toMatchObject({
      status: 'up',
      mode: status.mode,
      version: status.modelVersion,
      loaded: status.models,
    });
  });

  it('GET /version names the package, model set, config hash, adapter and tfjs backend', async () => {
    const status = app.get(MlService).status();
    const response = await request(app.getHttpServer()).get('/version');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      service: 'engagement-insight-engine',
      version: '1.0.0',
      model_version: status.modelVersion,
      model_objective: 'propensity',
      mode: status.mode,
      config_hash: CONFIG_HASH,
      http_adapter: process.env.HTTP_ADAPTER,
      tfjs: { package: status.tfjsPackage, backend: status.tfjsBackend },
    });
    expect(['cpu', 'tensorflow']).toContain(response.body.tfjs.backend);
    expect(['express', 'fastify']).toContain(response.body.http_adapter);
  });

  it('GET / names the service and links the docs', async () => {
    const response = await request(app.getHttpServer()).get('/');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      service: 'engagement-insight-engine',
      version: '1.0.0',
      status: app.get(MlService).status().mode === 'ml' ? 'ok' : 'degraded',
      docs: '/docs',
    });
  });

  it('GET /docs serves Swagger UI', async () => {
    const response = await request(app.getHttpServer()).get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.text).toContain('swagger-ui');
  });

  it('GET /docs-json is an OpenAPI 3 document with the example request and its real response', async () => {
    const response = await request(app.getHttpServer()).get('/docs-json');
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toMatch(/^3\./);
    const operation = doc.paths['/analyze-engagement'].post;
    expect(
      operation.requestBody.content['application/json'].examples['example learner'].value,
    ).toEqual(EXAMPLE_REQUEST);
    // The example answer is what this instance answers to the example request, sent with the
    // example's decision id.
    const example = operation.responses['200'].content['application/json'].example;
    const answer = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .send({ ...EXAMPLE_REQUEST, decision_id: EXAMPLE_ANALYSIS.decision_id });
    expect(example).toEqual(answer.body);
    expect(example.model_version).toBe(app.get(MlService).status().modelVersion);
    const profile = doc.components.schemas.ProfileDto;
    expect(profile.required).toEqual(
      expect.arrayContaining(['resume_uploaded', 'karma', 'quiz_history', 'buddy_count']),
    );
    expect(profile.properties.karma).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000_000,
    });
    expect(
      doc.components.schemas.PeerSnapshotDto.properties.batch_resume_uploaded_pct,
    ).toMatchObject({
      minimum: 0,
      maximum: 100,
    });
    expect(doc.components.schemas.ActivityDto.required ?? []).not.toContain('last_event_attended');
  });
});

describe('rules-only mode', () => {
  let app: INestApplication;
  const dir = mkdtempSync(join(tmpdir(), 'broken-models-'));

  beforeAll(async () => {
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    app = await createTestApp({ MODELS_DIR: dir });
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, stays live and says why the models are missing', async () => {
    const health = await request(app.getHttpServer()).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.models).toEqual({
      status: 'up',
      mode: 'rules-only',
      version: null,
      loaded: [],
      // What failed, not where the files are: health is open to anyone.
      error: 'the manifest is not valid JSON',
    });
    expect(health.text).not.toContain(dir);
    const version = await request(app.getHttpServer()).get('/version');
    expect(version.body).toMatchObject({
      mode: 'rules-only',
      model_version: null,
      model_objective: null,
    });
  });

  it('still answers with the rules', async () => {
    const response = await request(app.getHttpServer())
      .post('/analyze-engagement')
      .send(EXAMPLE_REQUEST);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(exampleAnswer(null));
  });
});

describe('start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a bad config, naming the key path', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({
        profile_rules: { resume_threshold: 7 },
        priority_labels: { quiz: 'urgent' },
      }),
    );
    await expect(createTestApp({ CONFIG_PATH: path })).rejects.toThrow(
      `invalid config ${path}: profile_rules.resume_threshold must be a number from 0 to 1; priority_labels.quiz must be one of high, medium, low`,
    );
  });

  it('fails on a bad environment variable, naming it', async () => {
    await expect(createTestApp({ BODY_LIMIT: 'lots' })).rejects.toThrow(
      'invalid environment: BODY_LIMIT must be a size such as 100kb, 5mb or 102400',
    );
  });
});
