import { Injectable } from '@nestjs/common';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCalendarDate } from '@app/learner';
import { DATA_FILES } from '../../cli/file-names';
import { ProgressService } from '../../cli/progress.service';
import { writeTextFile } from '../../cli/text-file-writer';
import { simulateLearner, simulateSnapshot, userId } from './learner-simulator';
import { PeerSnapshotFile } from './simulation-files';
import { Random, RANDOM_STREAMS } from '../../cli/random';

/** A fixed analysis date keeps the data independent of the day it is generated. */
export const SIMULATION_AS_OF = '2025-06-30';

export interface SimulateRequest {
  readonly users: number;
  readonly snapshots: number;
  readonly seed: number;
  readonly dataDir: string;
}

const PROGRESS_EVERY = 1000;

@Injectable()
export class SimulationService {
  constructor(private readonly progress: ProgressService) {}

  /**
   * Writes `peer_snapshot.json` and streams `simulated_profiles.json`, one learner per line,
   * so a million learners never sit in memory at once.
   */
  async simulate(request: SimulateRequest): Promise<void> {
    const started = Date.now();
    const asOf = parseCalendarDate(SIMULATION_AS_OF)!;
    const random = new Random(request.seed, RANDOM_STREAMS.simulate);
    const snapshots = Array.from({ length: request.snapshots }, (_, i) =>
      simulateSnapshot(random, i),
    );
    const snapshotFile: PeerSnapshotFile = {
      seed: request.seed,
      users: request.users,
      as_of: SIMULATION_AS_OF,
      snapshots,
    };
    await mkdir(request.dataDir, { recursive: true });
    const snapshotsPath = join(request.dataDir, DATA_FILES.snapshots);
    await writeFile(snapshotsPath, `${JSON.stringify(snapshotFile, null, 2)}\n`);

    const profilesPath = join(request.dataDir, DATA_FILES.profiles);
    const task = this.progress.task('simulate', request.users);
    try {
      await writeTextFile(profilesPath, async (out) => {
        await out.write('[\n');
        for (let i = 0; i < request.users; i++) {
          const snapshot = snapshots[random.int(snapshots.length)];
          const learner = simulateLearner(random, userId(i, request.users), snapshot, asOf);
          await out.write(`${i === 0 ? '' : ',\n'}${JSON.stringify(learner)}`);
          if ((i + 1) % PROGRESS_EVERY === 0) task.increment(PROGRESS_EVERY);
        }
        await out.write('\n]\n');
      });
    } finally {
      task.stop();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.progress.summary(
      `simulate: ${request.users} learners in ${request.snapshots} peer snapshots (seed ${request.seed}, as_of ${SIMULATION_AS_OF}) -> ${profilesPath}, ${snapshotsPath} in ${seconds} s`,
    );
  }
}
