import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../../..');
const CLIENT = join(__dirname, 'generated-client/client.ts');

/** Generates the types of the committed document into `dir`/generated, as a client's build would. */
function generateTypes(dir: string): void {
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
}

/** The last program checked: the next reuses its unchanged files (the DOM's types, the generated). */
let previous: ts.Program | undefined;

/** Type-checks `client`, written next to the generated types. */
function typeCheck(dir: string, client: string): string[] {
  const file = join(dir, 'client.ts');
  writeFileSync(file, client);
  const options: ts.CompilerOptions = {
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
  };
  previous = ts.createProgram({ rootNames: [file], options, oldProgram: previous });
  return ts
    .getPreEmitDiagnostics(previous)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('a client generated from docs/openapi.json type-checks against it', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'generated-client-'));
    generateTypes(dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-checks calls to the single and batch endpoints, /version and /metrics, and typed errors', () => {
    expect(typeCheck(dir, readFileSync(CLIENT, 'utf8'))).toEqual([]);
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
