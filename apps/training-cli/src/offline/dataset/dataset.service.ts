import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { featureVector } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { DATA_FILES } from '../../cli/file-names';
import { ProgressService } from '../../cli/progress.service';
import { writeTextFile } from '../../cli/text-file-writer';
import { actionProbabilities } from '../simulate/generative-story';
import { learnerRecord, SimulatedSnapshot } from '../simulate/learner-simulator';
import { Random, RANDOM_STREAMS } from '../../cli/random';
import { forEachSimulatedLearner, readPeerSnapshotFile } from '../simulate/simulation-files';
import { DATASET_COLUMNS, formatDatasetRow, testMask } from './dataset-columns';

const PROGRESS_EVERY = 1000;

@Injectable()
export class DatasetService {
  constructor(private readonly progress: ProgressService) {}

  /**
   * Streams the simulated learners into `processed_fomo_dataset.csv`. Each row's features come
   * from `featureVector`, the function the API calls, applied to the request this learner
   * would send; labels are drawn from the generative story's probabilities.
   */
  async build(dataDir: string): Promise<void> {
    const started = Date.now();
    const snapshotsPath = join(dataDir, DATA_FILES.snapshots);
    const profilesPath = join(dataDir, DATA_FILES.profiles);
    const datasetPath = join(dataDir, DATA_FILES.dataset);
    const simulation = await readPeerSnapshotFile(snapshotsPath);
    const asOf = parseCalendarDate(simulation.as_of)!;
    const snapshots = new Map<string, SimulatedSnapshot>(
      simulation.snapshots.map((snapshot) => [snapshot.snapshot_id, snapshot]),
    );
    const isTest = testMask(
      simulation.users,
      new Random(simulation.seed, RANDOM_STREAMS.split).permutation(simulation.users),
    );
    const labelRandom = new Random(simulation.seed, RANDOM_STREAMS.labels);
    const labels = new Uint8Array(NUDGE_TYPES.length);
    const positives = new Array<number>(NUDGE_TYPES.length).fill(0);
    let rows = 0;

    const task = this.progress.task('dataset', simulation.users);
    try {
      await writeTextFile(datasetPath, async (out) => {
        await out.write(`${DATASET_COLUMNS.join(',')}\n`);
        await forEachSimulatedLearner(profilesPath, async (learner, index) => {
          if (index >= simulation.users) {
            throw new CliUsageError(
              `${profilesPath} has more learners than the ${simulation.users} ${snapshotsPath} announces (rerun \`simulate\`)`,
            );
          }
          const snapshot = snapshots.get(learner.snapshot_id);
          if (snapshot === undefined) {
            throw new CliUsageError(
              `${profilesPath}: ${learner.user_id} is in snapshot ${learner.snapshot_id}, which ${snapshotsPath} lacks`,
            );
          }
          const features = featureVector(learnerRecord(learner, snapshot), asOf);
          const pTrue = actionProbabilities(features, learner.latent);
          for (let t = 0; t < pTrue.length; t++) {
            labels[t] = labelRandom.uniform() < pTrue[t] ? 1 : 0;
            positives[t] += labels[t];
          }
          const split = isTest[index] === 1 ? 'test' : 'train';
          await out.write(
            `${formatDatasetRow({ userId: learner.user_id, features, pTrue, labels, split })}\n`,
          );
          rows++;
          if (rows % PROGRESS_EVERY === 0) task.increment(PROGRESS_EVERY);
        });
        if (rows !== simulation.users) {
          throw new CliUsageError(
            `${profilesPath} has ${rows} learners, ${snapshotsPath} announces ${simulation.users} (rerun \`simulate\`)`,
          );
        }
      });
    } finally {
      task.stop();
    }
    const testRows = isTest.reduce((sum, flag) => sum + flag, 0);
    const balance = NUDGE_TYPES.map(
      (type, t) => `${type} ${((100 * positives[t]) / rows).toFixed(1)}%`,
    ).join(', ');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.progress.summary(
      `dataset: ${rows} rows (${rows - testRows} train / ${testRows} test), positives ${balance} -> ${datasetPath} in ${seconds} s`,
    );
  }
}
