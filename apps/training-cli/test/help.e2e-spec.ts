import { runBuiltCli } from './run-cli';

describe('training-cli --help', () => {
  it('names the program training-cli and lists its commands', async () => {
    const sut = await runBuiltCli(['--help']);

    expect(sut.code).toBe(0);
    expect(sut.stdout.split('\n')[0]).toBe('Usage: training-cli [options] [command]');
    const commands = sut.stdout
      .split('\n')
      .map((line) => /^ {2}([a-z-]+)\b/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && name !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining(['simulate', 'dataset', 'train', 'report', 'pipeline', 'score']),
    );
    // Starting the CLI loads tfjs and Nest: under a busy machine that alone passed jest's 5 s.
  }, 30_000);
});
