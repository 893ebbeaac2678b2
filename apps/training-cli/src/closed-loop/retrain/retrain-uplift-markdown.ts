import { formatCalendarDate } from '@app/learner';
import { plural } from '../../cli/format';
import { CALIBRATION_BINS } from './retrain-calibration';
import { ManifestLog, manifestLogFiles } from './retrain-report';
import {
  probability,
  TypeUpliftCalibration,
  UpliftManifest,
  UpliftModelOutcome,
  upliftOutcomes,
  UpliftRun,
  upliftValue,
} from './retrain-uplift-report';

/** A weighted or unweighted AUC, `—` when the test rows lack a label (NaN). */
const aucCell = (value: number): string => (Number.isNaN(value) ? '—' : value.toFixed(3));

/** A row per file of the log, in the order read. */
const logRows = (log: string, files: ManifestLog): string[] =>
  manifestLogFiles(files).map(
    (file) => `| ${log} | ${file.file} | ${file.lines} | \`${file.sha256}\` |`,
  );

function logsSection(run: UpliftRun, manifest: UpliftManifest): string[] {
  const { decisions, outcomes, first_day, last_day } = manifest.logs;
  return [
    '## The logs',
    '',
    '| log | file | lines | sha256 |',
    '| --- | ---- | ----: | ------ |',
    ...logRows('decisions', decisions),
    ...logRows('outcomes', outcomes),
    '',
    `${plural(run.decisions, 'decision')} from ${first_day} to ${last_day}, ${run.heldOut} of them held out:`,
    `ĥ = ${manifest.holdout_share}. An action counts for a decision on a day d with as_of ≤ d < as_of + ${run.rewardDays}`,
    `(\`--reward-days\`); weights are clipped at ${run.clip} (\`--clip\`).`,
    '',
  ];
}

function splitSection(run: UpliftRun): string[] {
  const day = formatCalendarDate;
  const { firstDay, lastDay, testFrom } = run.split;
  return [
    '## The split',
    '',
    `The models train on the ${plural(run.trainDecisions, 'decision')} from ${day(firstDay)} to ${day(testFrom - 1)} and are`,
    `tested on the ${plural(run.testDecisions, 'decision')} from ${day(testFrom)} to ${day(lastDay)}, the last`,
    `\`--holdout-days ${run.holdoutDays}\`; the standardisation is fitted on every training decision.`,
    '',
  ];
}

function rowsSection(outcomes: readonly UpliftModelOutcome[]): string[] {
  return [
    '## Rows per model',
    '',
    '| model | train rows | train positives | test rows | test positives | test AUC weighted | test AUC unweighted | calibration in the large |',
    '| ----- | ---------: | --------------: | --------: | -------------: | ----------------: | ------------------: | -----------------------: |',
    ...outcomes.map(
      ({ name, train, test, auc, calibration }) =>
        `| ${name} | ${train.labels.length} | ${train.positives} | ${test.labels.length} | ${test.positives} | ${aucCell(auc.weighted)} | ${aucCell(auc.unweighted)} | ${upliftValue(calibration.inTheLarge)} |`,
    ),
    '',
  ];
}

const CALIBRATION_METHOD = [
  '## How the models are calibrated',
  '',
  'Each model is a weighted logistic regression with an intercept, fitted by maximum likelihood',
  '(L2 on the coefficients only). At its optimum the gradient in the intercept is zero, which',
  'says that the weighted mean prediction equals the weighted rate of the label on the training',
  'rows: every model is calibrated in the large on what it learned from, by construction, and',
  'no recalibration step is applied. The weights (inverse chance of the logged arm, clipped)',
  'stand each row for the decisions it represents, so that rate is the one the model must',
  'predict for every decision, not only for those the logging policy favoured.',
  '',
  'That holds on the training rows; the tables below check it out of time, on the test split.',
  `A reliability table sorts a model's test rows by predicted probability into ${CALIBRATION_BINS} bins of equal`,
  'row count and sets the weighted mean prediction beside the weighted observed rate;',
  'calibration in the large is their difference over every test row (above 0: the model promises',
  'more actions than happened). The uplift calibration pools, per nudge type k, the test rows of',
  "k's treated model and of its action's control model, scores each with its predicted uplift",
  `u_k(x) = treated_k(x) − control(x), and bins them by it (${CALIBRATION_BINS} bins of equal count): the`,
  "mean predicted uplift (weighted, both arms) against the observed uplift, the bin's weighted",
  'treated rate minus its weighted control rate. A bin without rows of one arm has no observed',
  'uplift (—). Bins of a few dozen rows, or of rare actions, are noisy: read the tables for',
  'systematic tilts, not single cells.',
  '',
];

function reliabilitySection(outcomes: readonly UpliftModelOutcome[]): string[] {
  return [
    '## Reliability of each model (test split)',
    '',
    ...outcomes.flatMap(({ name, calibration }) => [
      `### ${name}`,
      '',
      `${plural(calibration.rows, 'test row')}: mean predicted ${probability(calibration.predicted)}, observed ${probability(calibration.observed)},`,
      `calibration in the large ${upliftValue(calibration.inTheLarge)}.`,
      '',
      '| bin | rows | mean predicted | observed rate |',
      '| --: | ---: | -------------: | ------------: |',
      ...calibration.bins.map(
        (bin, b) =>
          `| ${b + 1} | ${bin.rows} | ${probability(bin.predicted)} | ${probability(bin.observed)} |`,
      ),
      '',
    ]),
  ];
}

function upliftSection(uplift: readonly TypeUpliftCalibration[]): string[] {
  return [
    '## Uplift calibration per nudge type (test split)',
    '',
    ...uplift.flatMap(({ type, action, bins }) => [
      `### ${type}: treated ${type} − control ${action}`,
      '',
      '| bin | treated rows | control rows | mean predicted uplift | observed uplift |',
      '| --: | -----------: | -----------: | --------------------: | --------------: |',
      ...bins.map(
        (bin, b) =>
          `| ${b + 1} | ${bin.treatedRows} | ${bin.controlRows} | ${upliftValue(bin.predicted)} | ${bin.observed === null ? '—' : upliftValue(bin.observed)} |`,
      ),
      '',
    ]),
  ];
}

function filesSection(run: UpliftRun, manifest: UpliftManifest): string[] {
  return [
    '## The files',
    '',
    `\`manifest.json\` (version \`${manifest.version}\`, objective \`uplift\`, \`reward_days\` ${run.rewardDays}) lists`,
    ...Object.entries(manifest.models).map(
      ([type, entry]) => `- treated ${type}: \`${entry.path}\`, control \`${entry.control}\``,
    ),
    ...Object.entries(manifest.controls).map(
      ([action, entry]) => `- control ${action}: \`${entry.path}\``,
    ),
    '',
  ];
}

/**
 * `training_report.md` of an uplift set: the logs, the split, the rows and metrics per model,
 * how calibration is obtained and checked, and the tables. It names files by their name only and
 * holds no wall time, so the same logs write the same bytes.
 */
export function upliftMarkdown(run: UpliftRun, manifest: UpliftManifest): string {
  const outcomes = upliftOutcomes(run.set);
  return [
    '# Uplift models trained from logs',
    '',
    'Written by `train --from-log --objective uplift` (docs/training.md, "Uplift models from',
    'logs"). Every number below comes from the logs and the flags; the same ones write the same',
    'file.',
    '',
    ...logsSection(run, manifest),
    ...splitSection(run),
    ...rowsSection(outcomes),
    ...CALIBRATION_METHOD,
    ...reliabilitySection(outcomes),
    ...upliftSection(run.set.uplift),
    ...filesSection(run, manifest),
  ].join('\n');
}
