import { NudgeType } from '@app/learner';
import { ActionStory } from '../simulate/generative-story';
import { ClassificationMetrics, ClassMetrics } from '../model/metrics';

/** Everything the report says about one model, measured on the saved model. */
export interface ModelReport {
  readonly type: NudgeType;
  readonly story: ActionStory;
  readonly threshold: number;
  readonly test: ClassificationMetrics;
  readonly testAuc: number;
  readonly oracleAuc: number;
  readonly cvAccuracy: { readonly mean: number; readonly std: number };
  readonly cvAuc: { readonly mean: number; readonly std: number };
  readonly train: { readonly rows: number; readonly positives: number };
  readonly testSplit: { readonly rows: number; readonly positives: number };
}

export interface ReportHeader {
  readonly version: string;
  readonly seed: number;
  readonly users: number;
  readonly snapshots: number;
  readonly asOf: string;
  readonly datasetSha256: string;
  readonly trainer: string;
  readonly story: readonly string[];
}

const fixed = (value: number, digits = 3): string => value.toFixed(digits);
const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

function underline(title: string, char: string): string {
  return `${title}\n${char.repeat(title.length)}`;
}

/** The story's log-odds as a formula, e.g. `-6.5 + 5.2·peer_resume_share − 0.1·time_pressure`. */
export function storyFormula(story: ActionStory): string {
  const terms = [
    ...Object.entries(story.features),
    ['motivation', story.latent.motivation],
    ['time_pressure', story.latent.time_pressure],
  ] as const;
  let formula = String(story.intercept);
  for (const [name, weight] of terms) {
    formula += `${weight < 0 ? ' − ' : ' + '}${Math.abs(weight)}·${name}`;
  }
  return formula;
}

/** The per-class table in scikit-learn's classification_report layout. */
function classTable(metrics: ClassificationMetrics): string[] {
  const row = (name: string, m: ClassMetrics): string =>
    `${name.padStart(12)}${fixed(m.precision).padStart(11)}${fixed(m.recall).padStart(10)}${fixed(m.f1).padStart(10)}${String(m.support).padStart(10)}`;
  const total = metrics.weighted.support;
  return [
    `${''.padStart(12)}${'precision'.padStart(11)}${'recall'.padStart(10)}${'f1-score'.padStart(10)}${'support'.padStart(10)}`,
    '',
    row('0', metrics.classes[0]),
    row('1', metrics.classes[1]),
    '',
    `${'accuracy'.padStart(12)}${''.padStart(21)}${fixed(metrics.accuracy).padStart(10)}${String(total).padStart(10)}`,
    row('macro avg', metrics.macro),
    row('weighted avg', metrics.weighted),
  ];
}

function modelSection(model: ModelReport): string[] {
  return [
    underline(`${model.type}: the learner ${model.story.action}`, '-'),
    `label balance: train ${percent(model.train.positives, model.train.rows)} positive (${model.train.positives} of ${model.train.rows}), test ${percent(model.testSplit.positives, model.testSplit.rows)} (${model.testSplit.positives} of ${model.testSplit.rows})`,
    `decision threshold: ${fixed(model.threshold, 2)} (a probability at or above it predicts 1)`,
    `story: logit p_true = ${storyFormula(model.story)}`,
    '',
    ...classTable(model.test),
    '',
    `ROC AUC (test): ${fixed(model.testAuc, 4)}   oracle AUC (p_true): ${fixed(model.oracleAuc, 4)}   gap to oracle: ${fixed(model.oracleAuc - model.testAuc, 4)}`,
    `5-fold CV on the train split: accuracy ${fixed(model.cvAccuracy.mean)} ± ${fixed(model.cvAccuracy.std)}, ROC AUC ${fixed(model.cvAuc.mean)} ± ${fixed(model.cvAuc.std)}`,
    '',
  ];
}

function summaryTable(models: readonly ModelReport[]): string[] {
  const header = `${'model'.padEnd(12)}${'test AUC'.padStart(10)}${'oracle AUC'.padStart(12)}${'gap'.padStart(8)}${'CV AUC'.padStart(17)}${'accuracy'.padStart(10)}${'positives'.padStart(11)}`;
  return [
    header,
    ...models.map(
      (m) =>
        `${m.type.padEnd(12)}${fixed(m.testAuc).padStart(10)}${fixed(m.oracleAuc).padStart(12)}${fixed(m.oracleAuc - m.testAuc).padStart(8)}${`${fixed(m.cvAuc.mean)} ± ${fixed(m.cvAuc.std)}`.padStart(17)}${fixed(m.test.accuracy).padStart(10)}${percent(m.testSplit.positives, m.testSplit.rows).padStart(11)}`,
    ),
  ];
}

/** `classification_report.txt`: the story first, then a summary, then one section per model. */
export function classificationReport(header: ReportHeader, models: readonly ModelReport[]): string {
  const lines = [
    underline('Engagement Insight Engine: classification report', '='),
    `model set ${header.version}; seed ${header.seed}; ${header.users} simulated learners in ${header.snapshots} peer snapshots; as_of ${header.asOf}`,
    `dataset sha256 ${header.datasetSha256}`,
    `models: ${header.trainer}`,
    '',
    underline('How the labels were made', '-'),
    ...header.story,
    '',
    underline('Summary (test split)', '-'),
    ...summaryTable(models),
    '',
    ...models.flatMap(modelSection),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
