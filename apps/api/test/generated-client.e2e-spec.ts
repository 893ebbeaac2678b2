import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import ts from 'typescript';
import { EXAMPLE_REQUEST } from '@app/contract';
import { createTestApp } from './test-app';
import type { engagementClient } from './generated-client/client';

const ROOT = join(__dirname, '../../..');
const CLIENT = join(__dirname, 'generated-client/client.ts');

/** Generates types from the committed document, next to a copy of `client`, and type-checks it. */
function typeCheck(dir: string, client: string): string[] {
  mkdirSync(join(dir, 'generated'), { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'),
      join(ROOT, 'docs/openapi.json'),
      '--output',
      join(dir, 'generated/openapi.ts'),
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  const file = join(dir, 'client.ts');
  writeFileSync(file, client);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    // As a current application bundles it: openapi-fetch ships ES module types.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    // The generated files sit outside the repository: resolve packages from its node_modules.
    typeRoots: [],
    baseUrl: ROOT,
    paths: { 'openapi-fetch': [join(ROOT, 'node_modules/openapi-fetch')] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('a client generated from docs/openapi.json (openapi-typescript + openapi-fetch)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'generated-client-'));
    copyFileSync(CLIENT, join(dir, 'client.ts'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-checks calls to the single and batch endpoints, /version and /metrics, and typed errors', () => {
    expect(typeCheck(dir, readFileSync(CLIENT, 'utf8'))).toEqual([]);
  }, 60_000);

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
        engagementClient: typeof engagementClient;
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

  it('fails to type-check when the client reads what the document does not promise', () => {
    const wrong = readFileSync(CLIENT, 'utf8').replace(
      '${error.detail} ${fields',
      '${error.message} ${fields',
    );
    expect(typeCheck(dir, wrong)).toEqual([
      expect.stringMatching(/^Property 'message' does not exist on type/),
    ]);
  }, 60_000);
});
