import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type * as Swagger from '../src/docs/swagger';
import { createTestApp } from './test-app';
import { built } from './built';

const { buildOpenApiDocument } = built<typeof Swagger>('apps/api/src/docs/swagger');

const ROOT = join(__dirname, '../../..');
const SNAPSHOT = 'docs/openapi.json';

describe('the OpenAPI document', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it(`is the committed ${SNAPSHOT} (refresh it with: npm run openapi)`, async () => {
    const committed: unknown = JSON.parse(readFileSync(join(ROOT, SNAPSHOT), 'utf8'));
    const served = (await request(app.getHttpServer()).get('/docs-json')).body as unknown;
    // Compared as text of the parsed documents, so a failure shows the first difference.
    expect(JSON.stringify(served, null, 1)).toBe(JSON.stringify(committed, null, 1));
    expect(buildOpenApiDocument(app)).toEqual(committed);
  });

  it("passes Redocly's recommended ruleset with no error and no warning", () => {
    const output = execFileSync(process.execPath, ['scripts/lint-openapi.mjs', SNAPSHOT], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(output).toBe(`${SNAPSHOT}: 0 errors, 0 warnings\n`);
  }, 30_000);

  it('names every operation and documents its errors as problem details', () => {
    const document = JSON.parse(readFileSync(join(ROOT, SNAPSHOT), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string; responses: object }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.map(({ operation }) => operation.operationId).sort()).toEqual([
      'analyzeEngagement',
      'analyzeEngagementBatch',
      'getHealth',
      'getMetrics',
      'getReadiness',
      'getServiceInfo',
      'getVersion',
    ]);
    for (const { operation } of operations) {
      const responses = operation.responses as Record<string, { content?: object }>;
      for (const [status, response] of Object.entries(responses)) {
        if (status.startsWith('4') || status === '500') {
          expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
        }
      }
    }
  });
});
