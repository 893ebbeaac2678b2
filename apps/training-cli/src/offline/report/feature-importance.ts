import { FEATURE_LABELS, FEATURE_NAMES, FeatureName } from '@app/ml';
import { CHART_FONT } from '../../cli/chart-renderer';

export interface FeatureImportance {
  readonly feature: FeatureName;
  readonly label: string;
  /** Change in log-odds per standard deviation of the feature (on the training split). */
  readonly standardised: number;
  /** Change in log-odds per unit of the raw feature: the saved layer's weight. */
  readonly raw: number;
}

/** The model's coefficients, strongest (by absolute standardised size) first. */
export function featureImportance(
  weights: ArrayLike<number>,
  std: ArrayLike<number>,
): FeatureImportance[] {
  return FEATURE_NAMES.map((feature, j) => ({
    feature,
    label: FEATURE_LABELS[feature],
    standardised: weights[j] * std[j],
    raw: weights[j],
  })).sort(
    (a, b) =>
      Math.abs(b.standardised) - Math.abs(a.standardised) || a.feature.localeCompare(b.feature),
  );
}

export function featureImportanceCsv(rows: readonly FeatureImportance[]): string {
  const lines = ['rank,feature,label,standardised_coefficient,raw_weight'];
  rows.forEach((row, i) => {
    lines.push(
      `${i + 1},${row.feature},"${row.label}",${row.standardised.toFixed(6)},${row.raw.toFixed(6)}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/**
 * A horizontal bar chart of the standardised coefficients as a Vega-Lite spec: bars to the
 * right raise the chance of acting on the nudge, bars to the left lower it.
 */
export function featureImportanceChart(
  type: string,
  action: string,
  rows: readonly FeatureImportance[],
  testAuc: number,
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Feature importance: ${type} model`,
      subtitle: `Log-odds that the learner ${action} when nudged; test ROC AUC ${testAuc.toFixed(3)}`,
      anchor: 'start',
      fontSize: 16,
      subtitleFontSize: 12,
    },
    width: 560,
    height: { step: 22 },
    background: 'white',
    data: {
      values: rows.map((row) => ({
        feature: row.label,
        coefficient: Number(row.standardised.toFixed(4)),
        effect: row.standardised >= 0 ? 'raises the chance' : 'lowers the chance',
      })),
    },
    mark: { type: 'bar' },
    encoding: {
      y: {
        field: 'feature',
        type: 'nominal',
        sort: null,
        title: 'Feature',
        // Without a canvas vega only estimates text widths, so the title sits above the labels
        // rather than beside them, where an estimate could make the two overlap.
        axis: { labelLimit: 0, titleAngle: 0, titleAlign: 'right', titleX: -8, titleY: -8 },
      },
      x: {
        field: 'coefficient',
        type: 'quantitative',
        title: 'Standardised coefficient (change in log-odds per standard deviation)',
      },
      color: {
        field: 'effect',
        type: 'nominal',
        title: 'Effect',
        scale: {
          domain: ['raises the chance', 'lowers the chance'],
          range: ['#2f6db5', '#d9822b'],
        },
        legend: { orient: 'bottom' },
      },
    },
    config: {
      font: CHART_FONT,
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12 },
    },
  };
}
