import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

/**
 * Lints the files named after it with the project's config and prints the results as JSON: only
 * the folder-order rule, which reads import paths, so without type information (the typed
 * program of the probes' imports takes seconds to build, and the rule does not use it).
 */
const LINT = `
const { ESLint } = require('eslint');
const eslint = new ESLint({
  overrideConfigFile: '.eslint.config.mjs',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'layers/folder-order',
});
eslint.lintFiles(process.argv.slice(1)).then((results) => console.log(JSON.stringify(results)));
`;

interface LintResult {
  readonly filePath: string;
  readonly messages: readonly { readonly ruleId: string | null; readonly message: string }[];
}

/**
 * Writes each probe into the real tree, lints them with the project's own config and returns the
 * folder-order messages by probe; the probes are removed whatever happens.
 */
async function folderOrderMessages(
  probes: Record<string, string>,
): Promise<Record<string, string[]>> {
  const made: string[] = [];
  try {
    for (const [file, text] of Object.entries(probes)) {
      mkdirSync(dirname(join(ROOT, file)), { recursive: true });
      writeFileSync(join(ROOT, file), text);
      made.push(file);
    }
    const { stdout: output } = await promisify(execFile)(process.execPath, ['-e', LINT, ...made], {
      cwd: ROOT,
    });
    const results = JSON.parse(output) as LintResult[];
    return Object.fromEntries(
      results.map((result) => [
        result.filePath.slice(ROOT.length + 1),
        result.messages.filter((m) => m.ruleId === 'layers/folder-order').map((m) => m.message),
      ]),
    );
  } finally {
    for (const file of made) rmSync(join(ROOT, file), { force: true });
    rmSync(join(ROOT, 'libs/messages/src/probe-folder'), { recursive: true, force: true });
  }
}

describe('the folder-order lint rule', () => {
  const tag = `layer-probe-${process.pid}`;
  const probes = {
    [`libs/contract/src/problem/${tag}.ts`]: "export { EXAMPLE_REQUEST } from '../dto/examples';\n",
    [`libs/engagement/src/policy/${tag}.ts`]:
      "export { analyzeLearner } from '../pipeline/analyze-learner';\nexport { variantConfig } from '../config/engine-config';\n",
    [`apps/api/src/config/${tag}.ts`]: "export type { HttpSeam } from '../http/http-seam';\n",
    [`apps/api/src/engagement/${tag}.ts`]: "export { APP_INFO } from '../config/app-info';\n",
    [`libs/messages/src/probe-folder/${tag}.ts`]: 'export const probe = 1;\n',
    [`libs/engagement/src/policy/${tag}.spec.ts`]:
      "export { EngagementService } from '../nest/engagement.service';\nexport { constantModels } from '../testing/model-fixtures';\n",
  };
  let messages: Record<string, string[]>;

  beforeAll(async () => {
    messages = await folderOrderMessages(probes);
  }, 120_000);

  it('refuses an import that runs up a lib’s layers, naming both folders and the order', () => {
    expect(messages[`libs/contract/src/problem/${tag}.ts`]).toEqual([
      "'problem' may not import 'dto' in libs/contract/src: its folders are layered problem < answer < request < validators < dto < validation < decision-log < testing (bottom first), and an import points down or stays in its folder.",
    ]);
    expect(messages[`libs/engagement/src/policy/${tag}.ts`]).toEqual([
      "'policy' may not import 'pipeline' in libs/engagement/src: its folders are layered config < candidates < policy < answer < pipeline < nest < testing (bottom first), and an import points down or stays in its folder.",
    ]);
  });

  it('refuses an upward import inside an app and allows one that points down', () => {
    expect(messages[`apps/api/src/config/${tag}.ts`]).toEqual([
      expect.stringMatching(
        /^'config' may not import 'http' in apps\/api\/src: its folders are layered config < logging < /,
      ),
    ]);
    expect(messages[`apps/api/src/engagement/${tag}.ts`]).toEqual([]);
  });

  it('holds a spec to its folder’s layer too, but lets it use the lib’s test kit', () => {
    expect(messages[`libs/engagement/src/policy/${tag}.spec.ts`]).toEqual([
      "'policy' may not import 'nest' in libs/engagement/src: its folders are layered config < candidates < policy < answer < pipeline < nest < testing (bottom first), and an import points down or stays in its folder.",
    ]);
  });

  it('asks for a new folder to be given its place', () => {
    expect(messages[`libs/messages/src/probe-folder/${tag}.ts`]).toEqual([
      "The folder 'probe-folder' of libs/messages/src has no place in its layers; add it to LAYERS in .eslint.config.mjs.",
    ]);
  });
});
