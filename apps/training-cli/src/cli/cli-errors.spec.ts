import { CommanderError } from 'commander';
import { CliRefusalError, CliUsageError, onCommanderExit, onCommandError } from './cli-errors';

describe(onCommandError.name, () => {
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.exitCode = undefined;
  });

  afterEach(() => {
    stderr.mockRestore();
    process.exitCode = undefined;
  });

  it('exits 2 with the message of a usage error', () => {
    onCommandError(new CliUsageError('missing input data/peer_snapshot.json'));
    expect(process.exitCode).toBe(2);
    expect(stderr).toHaveBeenCalledWith('error: missing input data/peer_snapshot.json\n');
  });

  it('exits 3 with the line of a refusal, printed as it is', () => {
    onCommandError(new CliRefusalError('promote: refused: nothing to promote'));
    expect(process.exitCode).toBe(3);
    expect(stderr).toHaveBeenCalledWith('promote: refused: nothing to promote\n');
  });

  it('exits 2 after a commander parse error, which commander has already printed', () => {
    const parseError = new CommanderError(1, 'commander.invalidArgument', 'bad');
    expect(() => onCommanderExit(parseError)).toThrow();
    try {
      onCommanderExit(parseError);
    } catch (error) {
      onCommandError(error as Error);
    }
    expect(process.exitCode).toBe(2);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('exits 0 after --help', () => {
    try {
      onCommanderExit(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'));
    } catch (error) {
      onCommandError(error as Error);
    }
    expect(process.exitCode).toBe(0);
  });

  it('exits 1 for anything else, with the stack to debug it', () => {
    const bug = new Error('boom');
    onCommandError(bug);
    expect(process.exitCode).toBe(1);
    expect(stderr).toHaveBeenCalledWith(`error: ${bug.stack}\n`);
  });
});
