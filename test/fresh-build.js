// @ts-check
/**
 * Global setup of the specs that run the build (the API's e2e suite, the CLI's): fails at once,
 * naming the file, when a source file is newer than the build, rather than testing stale code.
 * `npm test` builds first; after editing, run `npm run build` before running jest directly.
 */
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');

/** The newest non-spec TypeScript file under `dir`, with its modification time. */
function newestSource(dir) {
  let newest = { file: '', mtime: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtime) newest = { file, mtime: mtimeMs };
  }
  return newest;
}

/** @param {unknown} _globalConfig @param {{ displayName?: { name: string } }} project */
module.exports = async function freshBuild(_globalConfig, project) {
  const app = project.displayName?.name === 'cli' ? 'training-cli' : 'api';
  const main = join(ROOT, `dist/apps/${app}/apps/${app}/src/main.js`);
  let built;
  try {
    built = statSync(main).mtimeMs;
  } catch {
    throw new Error(`no build of ${app} at ${relative(ROOT, main)}: run \`npm run build\``);
  }
  for (const dir of [`apps/${app}/src`, 'libs']) {
    const { file, mtime } = newestSource(join(ROOT, dir));
    if (mtime > built) {
      throw new Error(
        `${relative(ROOT, file)} is newer than the build of ${app}: run \`npm run build\` (npm test does)`,
      );
    }
  }
};
