import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parser } from 'stream-json';
import { streamArray } from 'stream-json/streamers/StreamArray';
import { parseCalendarDate } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { SimulatedLearner, SimulatedSnapshot } from './learner-simulator';

/** What a simulation run was: the next steps read it instead of taking their own flags. */
export interface SimulationMeta {
  readonly seed: number;
  readonly users: number;
  /** The date every "days since" is counted from; no simulated date lies after it. */
  readonly as_of: string;
}

/** `peer_snapshot.json`: the run's metadata and its batches. */
export interface PeerSnapshotFile extends SimulationMeta {
  readonly snapshots: SimulatedSnapshot[];
}

export async function requireInput(path: string, producedBy: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new CliUsageError(`missing input ${path} (run \`${producedBy}\` first)`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readPeerSnapshotFile(path: string): Promise<PeerSnapshotFile> {
  await requireInput(path, 'simulate');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliUsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const problem = (what: string): CliUsageError =>
    new CliUsageError(`${path}: ${what} (rerun \`simulate\`)`);
  if (!isRecord(parsed)) throw problem('expected a JSON object');
  const { seed, users, as_of: asOf, snapshots } = parsed;
  if (!Number.isSafeInteger(seed)) throw problem('seed is not an integer');
  if (!Number.isSafeInteger(users) || (users as number) < 1) throw problem('users is not a count');
  if (typeof asOf !== 'string' || parseCalendarDate(asOf) === null) {
    throw problem('as_of is not a YYYY-MM-DD date');
  }
  if (!Array.isArray(snapshots) || snapshots.length === 0) throw problem('snapshots is empty');
  snapshots.forEach((snapshot: unknown, i) => {
    if (
      !isRecord(snapshot) ||
      typeof snapshot.snapshot_id !== 'string' ||
      typeof snapshot.batch_avg_projects !== 'number' ||
      typeof snapshot.batch_resume_uploaded_pct !== 'number' ||
      !isRecord(snapshot.batch_event_attendance)
    ) {
      throw problem(`snapshots[${i}] is not a peer snapshot`);
    }
  });
  return parsed as unknown as PeerSnapshotFile;
}

/** The parts `dataset` reads; a learner without them is a sign of a hand-edited or foreign file. */
function checkLearner(value: unknown, index: number, path: string): SimulatedLearner {
  if (
    isRecord(value) &&
    typeof value.user_id === 'string' &&
    typeof value.snapshot_id === 'string' &&
    isRecord(value.profile) &&
    isRecord(value.activity) &&
    Array.isArray(value.buddies_attending_events) &&
    isRecord(value.latent) &&
    typeof value.latent.motivation === 'number' &&
    typeof value.latent.time_pressure === 'number'
  ) {
    return value as unknown as SimulatedLearner;
  }
  throw new CliUsageError(
    `${path}: learner [${index}] is not a simulated learner (rerun \`simulate\`)`,
  );
}

/**
 * Streams the learners of `simulated_profiles.json` one at a time: the file can hold millions,
 * and only the current one is in memory.
 */
export async function forEachSimulatedLearner(
  path: string,
  visit: (learner: SimulatedLearner, index: number) => Promise<void> | void,
): Promise<void> {
  await requireInput(path, 'simulate');
  let index = 0;
  let visitError: unknown;
  try {
    await pipeline(
      createReadStream(path),
      // Whole values only: streaming each string and number in pieces as well costs a third more.
      parser({ streamValues: false }),
      streamArray(),
      async (items: AsyncIterable<{ key: number; value: unknown }>) => {
        for await (const item of items) {
          try {
            await visit(checkLearner(item.value, index, path), index);
          } catch (error) {
            visitError = error;
            throw error;
          }
          index++;
        }
      },
    );
  } catch (error) {
    // Only the parser's complaints mean a broken file; the visitor's errors pass through as they are.
    if (error === visitError || error instanceof CliUsageError) throw error;
    throw new CliUsageError(`${path} could not be read: ${(error as Error).message}`);
  }
}
