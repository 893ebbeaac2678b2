import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import ts from 'typescript';
import { EXAMPLE_REQUEST } from '@app/contract';
import { createTestApp } from './test-app';

const CLIENT = join(__dirname, 'generated-client/client.ts');

/**
 * What this spec calls on the client. Its own types come from the generated document types, which
 * exist only once generated-client-types.e2e-spec.ts has generated them: that spec checks them.
 */
type EngagementClient = (
  baseUrl: string,
  apiKey: string,
) => {
  nudgeTypes(request: unknown): Promise<string[]>;
  batch(items: unknown[]): Promise<{ analysed: number; failed: number[] }>;
  version(): Promise<string>;
  metrics(): Promise<string>;
};

describe('a client generated from docs/openapi.json (openapi-typescript + openapi-fetch), over HTTP', () => {
  let dir: string;

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'generated-client-'))));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers its calls over HTTP with an API key: nudges, field errors, batch, version, metrics', async () => {
    // The client, transpiled as its build would, against the real service.
    const { outputText } = ts.transpileModule(readFileSync(CLIENT, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, esModuleInterop: true },
    });
    const file = join(dir, 'client.js');
    // Its one runtime import, resolved from this repository's node_modules.
    const openapiFetch = `require(${JSON.stringify(require.resolve('openapi-fetch'))})`;
    writeFileSync(file, outputText.replace('require("openapi-fetch")', openapiFetch));

    const key = 'k_generated_client_0123';
    const app: INestApplication = await createTestApp({ API_KEYS: key });
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const { engagementClient: create } = (await import(file)) as {
        engagementClient: EngagementClient;
      };
      const client = create(`http://127.0.0.1:${port}`, key);
      expect(await client.nudgeTypes(EXAMPLE_REQUEST)).toEqual(['resume', 'comeback', 'quiz']);
      const bad = { ...EXAMPLE_REQUEST, as_of: '2025-02-30' };
      await expect(client.nudgeTypes(bad)).rejects.toThrow(
        '400 Bad Request: invalid request: 1 field failed validation as_of: as_of must be a real calendar date: 2025-02-30 does not exist',
      );
      expect(await client.batch([EXAMPLE_REQUEST, bad])).toEqual({ analysed: 1, failed: [1] });
      expect(await client.version()).toMatch(/^(express|fastify) [0-9a-f]{16}$/);
      expect(await client.metrics()).toContain('# TYPE http_request_duration_seconds histogram');
      await expect(
        create(`http://127.0.0.1:${port}`, 'not-the-key-0000000').version(),
      ).rejects.toThrow('missing or invalid x-api-key header');
    } finally {
      await app.close();
    }
  }, 60_000);
});
