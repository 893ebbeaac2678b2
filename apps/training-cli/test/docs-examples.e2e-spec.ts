import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { REPO_ROOT, runBuiltCli } from './run-cli';

/**
 * The runs docs/closed-loop.md and docs/training.md show — `uplift` on a tone experiment, `ope`
 * of a one-nudge candidate, `promote` of a set retrained from two weeks of logs, `train
 * --from-log` for each objective — made again from the commands and configs the docs describe, in
 * a folder laid out as the repository (`models` and `config` linked, the example files under
 * `data/example`). Every report the docs show must be what the command prints now (but for the
 * seconds it took), so a change to the engine's policy or to a report cannot leave them behind.
 */
const read = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');
const CLOSED_LOOP = read('closed-loop.md');
const TRAINING = read('training.md');

/** The first fenced `lang` block after `marker` in `doc`. */
function blockAfter(doc: string, marker: string, lang: string): string {
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`the doc no longer says "${marker}"`);
  const block = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(doc.slice(at));
  if (block === null) throw new Error(`no ${lang} block after "${marker}"`);
  return block[1];
}

/** Each `npm run cli -- …` line of the sh block after `marker`, as arguments. */
function commandsAfter(doc: string, marker: string): string[][] {
  return blockAfter(doc, marker, 'sh')
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.startsWith('npm run cli -- '))
    .map((line) =>
      line
        .replace(/^npm run cli -- /, '')
        .trim()
        .split(/\s+/),
    );
}

/** A JSON report with every number cut to 4 decimals, as the docs show one. */
function cut(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e4) / 1e4;
  if (Array.isArray(value)) return value.map(cut);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cut(inner)]));
  }
  return value;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where a file the docs show in part differs from the real one: the docs leave out keys, write
 * `"…": "…"` for more of them, end a list with `"…"` and a string with `…` for the rest of it.
 */
function differences(shown: unknown, actual: unknown, at = '$'): string[] {
  if (typeof shown === 'string' && shown.endsWith('…')) {
    const ok = typeof actual === 'string' && actual.startsWith(shown.slice(0, -1));
    return ok ? [] : [`${at}: shown ${shown}, is ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(shown) && Array.isArray(actual)) {
    const open = shown.at(-1) === '…';
    const listed = open ? shown.slice(0, -1) : shown;
    if (!open && actual.length !== shown.length) return [`${at}: ${actual.length} items`];
    return listed.flatMap((item, i) => differences(item, actual[i], `${at}[${i}]`));
  }
  if (isObject(shown) && isObject(actual)) {
    return Object.entries(shown).flatMap(([key, value]) =>
      key === '…' ? [] : differences(value, actual[key], `${at}.${key}`),
    );
  }
  return isDeepStrictEqual(shown, actual)
    ? []
    : [`${at}: shown ${JSON.stringify(shown)}, is ${JSON.stringify(actual)}`];
}

/** A command's output without the seconds it took. */
const untimed = (text: string) => text.replace(/ in [\d.]+ s$/gm, ' in … s');

/** The doc's prose with line breaks as spaces. */
const PROSE = CLOSED_LOOP.replace(/\s+/g, ' ');

/** The example configs, as the doc describes them. */
const EXAMPLE_CONFIGS = {
  // The committed config with ε = 0.2 and 10% held out.
  'logging.json': { policy: { exploration_epsilon: 0.2 }, assignment: { holdout_percent: 10 } },
  // The same with max_nudges 1.
  'candidate.json': {
    policy: { exploration_epsilon: 0.2 },
    assignment: { holdout_percent: 10 },
    max_nudges: 1,
  },
  // 10% held out, the rest split 50/50 between two variants of tone that change nothing.
  'tone.json': {
    assignment: {
      holdout_percent: 10,
      experiments: [
        {
          key: 'tone',
          variants: [
            { key: 'warm', weight: 0.5 },
            { key: 'cold', weight: 0.5 },
          ],
        },
      ],
    },
  },
};

describe('the runs docs/closed-loop.md and docs/training.md show', () => {
  const cwd = process.cwd();
  let dir: string;

  const cli = async (args: string[]) => {
    const run = await runBuiltCli(args);
    return { ...run, both: `${run.stdout}${run.stderr}`.trimEnd() };
  };
  const succeed = async (args: string[]) => {
    const run = await cli(args);
    if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return run;
  };
  const simulate = (config: string, users: number, days: number, seed: number, out: string) =>
    succeed([
      'simulate-platform',
      ...['--users', String(users), '--days', String(days), '--seed', String(seed)],
      ...['--config', `data/example/${config}`, '--out-dir', `data/example/${out}`],
    ]);
  const truth = async (out: string) =>
    JSON.parse(await readFile(`data/example/${out}/truth.json`, 'utf8')) as {
      absolute_lift: number;
      policy_value: number;
    };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docs-examples-'));
    await symlink(join(REPO_ROOT, 'models'), join(dir, 'models'));
    await symlink(join(REPO_ROOT, 'config'), join(dir, 'config'));
    await mkdir(join(dir, 'data/example'), { recursive: true });
    for (const [name, config] of Object.entries(EXAMPLE_CONFIGS)) {
      await writeFile(join(dir, 'data/example', name), JSON.stringify(config));
    }
    // The paths the reports print are those the doc's commands give, relative to the folder.
    process.chdir(dir);
  });

  afterAll(async () => {
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  });

  it('uplift: the tone experiment, as text and as JSON, and its true lift', async () => {
    const marker = 'For 2,000 learners over 14 days';
    const [simulation, uplift] = commandsAfter(CLOSED_LOOP, marker);
    await succeed(simulation);
    const text = await succeed(uplift);
    expect(text.stdout.trimEnd()).toBe(blockAfter(CLOSED_LOOP, marker, 'text'));
    const json = await succeed([...uplift, '--json']);
    expect(cut(JSON.parse(json.stdout))).toEqual(
      JSON.parse(blockAfter(CLOSED_LOOP, 'here they are cut to 4 decimals', 'json')),
    );
    const lift = (await truth('tone')).absolute_lift * 100;
    expect(PROSE).toContain(`the true lift is +${lift.toFixed(2)} points`);
  }, 60_000);

  it('ope: the one-nudge candidate on a day of logs, as text and as JSON, and its true value', async () => {
    const marker = 'For 3,000 learners on one day';
    await simulate('logging.json', 3000, 1, 7, 'logs');
    const [ope] = commandsAfter(CLOSED_LOOP, marker);
    const text = await succeed(ope);
    expect(text.stdout.trimEnd()).toBe(blockAfter(CLOSED_LOOP, marker, 'text'));
    const json = await succeed([...ope, '--json']);
    expect(cut(JSON.parse(json.stdout))).toEqual(
      JSON.parse(
        blockAfter(
          CLOSED_LOOP,
          'With `--json` (every number unrounded; here cut to 4 decimals)',
          'json',
        ),
      ),
    );
    await simulate('candidate.json', 3000, 1, 7, 'candidate-run');
    const value = (await truth('candidate-run')).policy_value;
    expect(PROSE).toContain(`whose simulated value on the same learners is ${value.toFixed(4)}`);
  }, 60_000);

  it('promote: a set retrained from two weeks, refused, and the other way round, promoted', async () => {
    const marker = 'For example, models retrained from two weeks of logs';
    await simulate('logging.json', 2000, 14, 7, 'two-weeks');
    await succeed([
      'train',
      '--from-log',
      ...['--decisions', 'data/example/two-weeks/decisions.ndjson'],
      ...['--outcomes', 'data/example/two-weeks/outcomes.ndjson'],
      ...['--models-dir', 'data/example/models-from-log'],
    ]);
    await cp(join(REPO_ROOT, 'models'), 'data/example/current', { recursive: true });
    await simulate('logging.json', 3000, 1, 8, 'fresh');
    const [promote] = commandsAfter(CLOSED_LOOP, marker);
    const refused = await cli(promote);
    expect(refused.code).toBe(3);
    expect(refused.both).toBe(blockAfter(CLOSED_LOOP, marker, 'text'));

    // The other way round: the committed set as the candidate, the retrained one as current.
    const [reverse] = commandsAfter(
      CLOSED_LOOP,
      'the committed set as the candidate, the retrained one as current',
    );
    const promoted = await cli(reverse);
    expect([promoted.code, promoted.stderr]).toEqual([0, '']);
    const manifest = JSON.parse(
      await readFile('data/example/models-from-log/manifest.json', 'utf8'),
    ) as { promotion: unknown };
    expect(cut(manifest.promotion)).toEqual(
      JSON.parse(`{${blockAfter(CLOSED_LOOP, 'the same flags give the same bytes', 'json')}}`)
        .promotion,
    );
  }, 120_000);

  it('train --from-log: each objective on four weeks of logs, its manifest and its report', async () => {
    await simulate('logging.json', 2000, 28, 42, '..');
    const [propensity] = commandsAfter(TRAINING, '## Retraining from logs');
    const trained = await succeed(propensity);
    const marker = '`policy.exploration_epsilon` 0.2 and `assignment.holdout_percent` 10';
    expect(untimed(trained.both)).toBe(untimed(blockAfter(TRAINING, marker, 'text')));
    const manifest = JSON.parse(await readFile('models-from-log/manifest.json', 'utf8'));
    const shown = JSON.parse(
      blockAfter(TRAINING, 'the same logs give byte-identical files', 'json'),
    );
    expect(differences(shown, manifest)).toEqual([]);

    const [uplift] = commandsAfter(TRAINING, '### Uplift models from logs');
    const fitted = await succeed(uplift);
    const report = blockAfter(TRAINING, 'On the logs of the propensity example above', 'text');
    expect(untimed(fitted.both)).toBe(untimed(report));
    const upliftManifest = JSON.parse(await readFile('models-uplift/manifest.json', 'utf8'));
    const shownUplift = JSON.parse(blockAfter(TRAINING, 'compares every file).', 'json'));
    expect(differences(shownUplift, upliftManifest)).toEqual([]);
    const markdown = await readFile('models-uplift/training_report.md', 'utf8');
    expect(markdown).toContain(
      `${blockAfter(TRAINING, 'calibration table of each type:', 'text')}\n`,
    );
  }, 120_000);
});
