import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_CATALOGS } from '@app/messages';
import { CheckCatalogsCommand } from '../src/checks/catalogs/check-catalogs.command';
import { runBuiltCli, runCli } from './run-cli';

async function writeCatalogs(dir: string, files: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    await writeFile(join(dir, name), text);
  }
}

const { en, es, hi } = BUNDLED_CATALOGS;

/** One of each problem a translator makes: a lost key, a made-up value, a plural, a brace. */
const BROKEN_ES = Object.fromEntries(
  Object.entries({
    ...es,
    more_events: '{count, plural, one {# más} other {# más}}',
    'quiz_none.title': 'Hola {name}, ¡prueba tu primer cuestionario!',
  }).filter(([key]) => key !== 'ml_quiz.action'),
);
const BROKEN_HI = { ...hi, 'quiz_inactive.action': 'आज {gap क्विज़ दें' };

describe(CheckCatalogsCommand.name, () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'check-catalogs-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes the bundled catalogs with exit code 0', async () => {
    const sut = await runBuiltCli(['check-catalogs']);

    expect(sut).toEqual({ code: 0, stdout: '3 catalogs, 96 messages each: ok\n', stderr: '' });
  });

  it('passes a --dir of good catalogs', async () => {
    const dir = join(root, 'good');
    await writeCatalogs(dir, { 'en.json': en, 'es.json': es, 'hi.json': hi });

    const sut = await runCli(['check-catalogs', '--dir', dir]);

    expect(sut).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
      summaries: ['3 catalogs, 96 messages each: ok'],
    });
  });

  it('prints one line per problem of a --dir and exits with 1', async () => {
    const dir = join(root, 'broken');
    await writeCatalogs(dir, { 'en.json': en, 'es.json': BROKEN_ES, 'hi.json': BROKEN_HI });

    const sut = await runBuiltCli(['check-catalogs', '--dir', dir]);

    expect(sut).toEqual({
      code: 1,
      stdout: [
        'messages.es["more_events"] plural {count} lacks the categories many',
        'messages.es["quiz_none.title"] uses {name}, which is not passed (passed: none)',
        'messages.es["ml_quiz.action"] is missing',
        'messages.hi["quiz_inactive.action"] is not ICU MessageFormat: MALFORMED_ARGUMENT at character 4',
        '3 catalogs: 4 problems',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('lists a missing or malformed file as a problem and checks the others', async () => {
    const dir = join(root, 'files');
    await writeCatalogs(dir, { 'es.json': '{"gap": ', 'hi.json': hi });

    const sut = await runCli(['check-catalogs', '--dir', dir]);

    expect(sut).toEqual({
      exitCode: 1,
      stdout: [
        `${join(dir, 'en.json')}: no such file`,
        `${join(dir, 'es.json')} is not valid JSON: Unexpected end of JSON input`,
        '',
      ].join('\n'),
      stderr: '',
      summaries: ['3 catalogs: 2 problems'],
    });
  });

  it('lists a file that is not a catalog', async () => {
    const dir = join(root, 'shapes');
    await writeCatalogs(dir, { 'en.json': en, 'es.json': ['gap'], 'hi.json': hi });

    const sut = await runCli(['check-catalogs', '--dir', dir]);

    expect(sut).toEqual({
      exitCode: 1,
      stdout: 'messages.es must be an object of message keys to texts\n',
      stderr: '',
      summaries: ['3 catalogs: 1 problem'],
    });
  });

  it('rejects a --dir that is not a folder with the usage exit code', async () => {
    const missing = join(root, 'nowhere');

    const sut = await runCli(['check-catalogs', '--dir', missing]);

    expect(sut).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `error: --dir ${missing}: no such folder\n`,
      summaries: [],
    });
  });
});
