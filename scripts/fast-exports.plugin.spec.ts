import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is CommonJS for nest build
const { fastExports } = require('./fast-exports.plugin.js') as {
  fastExports: ts.TransformerFactory<ts.SourceFile>;
};

/** A library's index as the libraries write theirs: names re-exported, one of its own. */
const INDEX = `
export { parse, format } from './dates';
export { hash } from './hash';
export const VERSION = 3;
export function twice(n: number): number { return 2 * n; }
`;

function compile(source: string, plugin: boolean): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    transformers: plugin ? { after: [fastExports] } : undefined,
  }).outputText;
}

/** Writes the index compiled with or without the plugin, and its modules, into a folder. */
function library(plugin: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'fast-exports-'));
  writeFileSync(join(dir, 'index.js'), compile(INDEX, plugin));
  writeFileSync(
    join(dir, 'dates.js'),
    compile(
      'export const parse = (s: string) => s; export const format = (s: string) => s;',
      false,
    ),
  );
  writeFileSync(
    join(dir, 'hash.js'),
    compile('export const hash = (s: string) => s.length;', false),
  );
  return dir;
}

/** What V8 makes of the index's exports object, and what it exports. */
function load(dir: string): { fast: boolean; values: string } {
  const script = `
    const index = require(${JSON.stringify(join(dir, 'index.js'))});
    const values = [index.parse('a'), index.format('b'), index.hash('abc'), index.VERSION, index.twice(4)];
    console.log(JSON.stringify({ fast: %HasFastProperties(index), values: values.join(' ') }));`;
  const output = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as { fast: boolean; values: string };
}

describe('fast-exports compiler plugin', () => {
  it('declares only the names a module does not re-export as undefined first', () => {
    expect(compile(INDEX, false)).toContain(
      'exports.VERSION = exports.hash = exports.format = exports.parse = void 0;',
    );
    const sut = compile(INDEX, true);
    expect(sut).toContain('exports.VERSION = void 0;');
    expect(sut).not.toMatch(/exports\.(parse|format|hash) = /);
    expect(sut).toContain(
      'Object.defineProperty(exports, "parse", { enumerable: true, get: function () { return dates_1.parse; } });',
    );
  });

  it('leaves a module that re-exports nothing as TypeScript wrote it', () => {
    const source = 'export const a = 1; export function b() { return a; }';
    const plain = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    expect(compile(source, true)).toBe(plain);
  });

  it('keeps the exports object in fast mode, exporting the same values', () => {
    const without = library(false);
    const sut = library(true);
    try {
      expect(load(without)).toEqual({ fast: false, values: 'a b 3 3 8' });
      expect(load(sut)).toEqual({ fast: true, values: 'a b 3 3 8' });
    } finally {
      rmSync(without, { recursive: true, force: true });
      rmSync(sut, { recursive: true, force: true });
    }
  });
});
