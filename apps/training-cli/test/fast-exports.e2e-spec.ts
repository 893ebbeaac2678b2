import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/**
 * The index modules the engine's code calls through on every learner, in each app's build, and
 * whether V8 keeps their exports objects in fast mode (the build's fast-exports compiler plugin):
 * a dictionary there costs every call a generic property load and a getter call.
 */
const INDEXES = [
  'learner/src/index.js',
  'rules/src/index.js',
  'fomo/src/index.js',
  'ml/src/inference.js',
  'contract/src/index.js',
  'messages/src/index.js',
  'engagement/src/engine.js',
];

function fastExports(app: string): Record<string, boolean> {
  const files = INDEXES.map((index) => join(ROOT, 'dist/apps', app, 'libs', index));
  const script = `
    const files = ${JSON.stringify(files)};
    const fast = {};
    files.forEach((file, i) => { fast[${JSON.stringify(INDEXES)}[i]] = %HasFastProperties(require(file)); });
    console.log(JSON.stringify(fast));`;
  const output = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, boolean>;
}

describe('the built libraries', () => {
  it.each(['training-cli', 'api'])("keep their exports objects fast in the %s's build", (app) => {
    expect(fastExports(app)).toEqual(Object.fromEntries(INDEXES.map((index) => [index, true])));
  });
});
