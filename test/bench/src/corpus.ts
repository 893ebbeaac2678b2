import { parseCalendarDate } from '@app/learner';
import {
  learnerRecord,
  simulateLearner,
  simulateSnapshot,
  userId,
} from '../../../apps/training-cli/src/offline/simulate/learner-simulator';
import { Random } from '../../../apps/training-cli/src/cli/random';

export const CORPUS_AS_OF = '2025-06-30';

/**
 * A varied, seeded corpus of valid requests: simulated learners across 10 peer groups, drawn by
 * the training CLI's simulator so the mix of profiles (engaged, lapsed, new) is realistic.
 */
export function requestCorpus(size: number, seed = 7): Record<string, unknown>[] {
  const random = new Random(seed, 99);
  const asOf = parseCalendarDate(CORPUS_AS_OF)!;
  const snapshots = Array.from({ length: 10 }, (_, i) => simulateSnapshot(random, i));
  return Array.from({ length: size }, (_, i) => {
    const snapshot = snapshots[i % snapshots.length];
    const learner = simulateLearner(random, userId(i, size), snapshot, asOf);
    return { ...learnerRecord(learner, snapshot), as_of: CORPUS_AS_OF };
  });
}
