import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The config hash the example decisions are made under, unless a test says otherwise. */
export const EXAMPLE_CONFIG_HASH = '884005e8da4dd3cc';

/**
 * A decision line's record, the least the readers accept: `group` as the closed-loop commands
 * name it (`holdout`, `treated`, or `<experiment>=<variant>`), the policy version carrying `hash`.
 */
export function loggedDecision(
  id: string,
  user: string,
  asOf: string,
  group = 'treated',
  hash = EXAMPLE_CONFIG_HASH,
): object {
  const [experiment, variant] = group.split('=');
  const assignment =
    group === 'holdout'
      ? { holdout: true, bucket: 0.01 }
      : variant === undefined
        ? { holdout: false, bucket: 0.5 }
        : { holdout: false, bucket: 0.5, experiment, variant };
  return {
    decision_id: id,
    user_id: user,
    as_of: asOf,
    assignment,
    policy_version: `rules-only/${hash}${variant === undefined ? '' : `/${group}`}`,
    features: {},
    candidates: [],
    delivered: [],
  };
}

/** An outcome line's record: the learner took a quiz at `at`, after `decisionId` if given. */
export function loggedOutcome(user: string, at: string, decisionId?: string): object {
  return { user_id: user, action: 'take_quiz', at, decision_id: decisionId };
}

/** A private folder of log files, each written once under a name of its own. */
export class LogFolder {
  private files = 0;

  private constructor(readonly dir: string) {}

  static async create(): Promise<LogFolder> {
    return new LogFolder(await mkdtemp(join(tmpdir(), 'closed-loop-logs-')));
  }

  /** A file of this text; gzipped (named `.ndjson.gz`) as an operator compresses an old log. */
  async file(text: string, gzipped = false): Promise<string> {
    const path = join(this.dir, `log-${this.files++}.ndjson${gzipped ? '.gz' : ''}`);
    await writeFile(path, gzipped ? gzipSync(text) : text);
    return path;
  }

  /** A log of these records, one line each, in a file of its own. */
  log(...lines: object[]): Promise<string> {
    return this.file(ndjson(lines));
  }

  /** The same, gzipped. */
  gzipped(...lines: object[]): Promise<string> {
    return this.file(ndjson(lines), true);
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

function ndjson(lines: readonly object[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}
