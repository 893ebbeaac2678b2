/**
 * Area under the ROC curve: the chance that a random positive scores above a random negative,
 * ties counting half (the Mann–Whitney statistic, as scikit-learn's roc_auc_score). NaN when
 * one class is missing.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start..end-1 (0-based) share their average, 1-based.
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) {
      if (labels[order[i]] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The ROC AUC of weighted rows: the chance that a positive drawn by weight scores above a
 * negative drawn by weight, ties counting half (scikit-learn's roc_auc_score with
 * sample_weight). An integer weight counts as that many copies of the row. NaN when one class
 * has no weight.
 */
export function weightedRocAuc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let negativesBelow = 0;
  let positiveWeight = 0;
  let pairs = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    let tiedPositives = 0;
    let tiedNegatives = 0;
    for (let i = start; i < end; i++) {
      const row = order[i];
      if (labels[row] === 1) tiedPositives += weights[row];
      else tiedNegatives += weights[row];
    }
    pairs += tiedPositives * (negativesBelow + tiedNegatives / 2);
    negativesBelow += tiedNegatives;
    positiveWeight += tiedPositives;
    start = end;
  }
  if (positiveWeight === 0 || negativesBelow === 0) return Number.NaN;
  return pairs / (positiveWeight * negativesBelow);
}

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationMetrics {
  /** Index 0 is the negative class, 1 the positive. */
  readonly classes: readonly [ClassMetrics, ClassMetrics];
  readonly accuracy: number;
  readonly macro: ClassMetrics;
  readonly weighted: ClassMetrics;
}

function classMetrics(truePositive: number, predicted: number, support: number): ClassMetrics {
  // scikit-learn reports 0 where a ratio is undefined; so do we, to stay comparable.
  const precision = predicted === 0 ? 0 : truePositive / predicted;
  const recall = support === 0 ? 0 : truePositive / support;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support };
}

/** Precision, recall and F1 per class, accuracy, macro and weighted averages at `threshold`. */
export function classificationMetrics(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ClassificationMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const predicted = probabilities[i] >= threshold;
    if (labels[i] === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  const negative = classMetrics(tn, tn + fn, tn + fp);
  const positive = classMetrics(tp, tp + fp, tp + fn);
  const total = tp + fp + tn + fn;
  const average = (weigh: (c: ClassMetrics) => number): ClassMetrics => {
    const sum = weigh(negative) + weigh(positive);
    const mean = (pick: (c: ClassMetrics) => number): number =>
      sum === 0 ? 0 : (weigh(negative) * pick(negative) + weigh(positive) * pick(positive)) / sum;
    return {
      precision: mean((c) => c.precision),
      recall: mean((c) => c.recall),
      f1: mean((c) => c.f1),
      support: total,
    };
  };
  return {
    classes: [negative, positive],
    accuracy: total === 0 ? 0 : (tp + tn) / total,
    macro: average(() => 1),
    weighted: average((c) => c.support),
  };
}

/** Mean and population standard deviation (numpy's default, as in scikit-learn's CV examples). */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Rounds a metric for the JSON files: six decimals is far below any sampling noise. */
export function roundMetric(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Fold ids 0..folds-1 for `count` rows: a seeded permutation dealt round-robin. */
export function assignFolds(count: number, folds: number, permutation: Uint32Array): Uint8Array {
  const fold = new Uint8Array(count);
  for (let position = 0; position < count; position++)
    fold[permutation[position]] = position % folds;
  return fold;
}
