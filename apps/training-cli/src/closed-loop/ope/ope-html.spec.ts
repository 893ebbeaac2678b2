import { OpeReport } from './ope';
import { differenceRows, opeHtml, valueRows } from './ope-html';

const estimate = (value: number, low: number, high: number) => ({
  value,
  ci95: [low, high] as const,
});

const REPORT: OpeReport = {
  ips: estimate(0.2, 0.15, 0.25),
  snips: estimate(0.21, 0.16, 0.26),
  dr: estimate(0.19, 0.15, 0.23),
  baseline: {
    policy: 'the logging policy, <logging>.json',
    ips: estimate(0.18, 0.17, 0.19),
    snips: estimate(0.18, 0.17, 0.19),
    dr: estimate(0.18, 0.17, 0.19),
  },
  difference: {
    ips: estimate(0.02, -0.03, 0.07),
    snips: estimate(0.03, -0.02, 0.08),
    dr: estimate(0.01, -0.02, 0.04),
  },
  diagnostics: {
    effective_sample_size: 42,
    max_weight: 20,
    mean_weight: 1,
    clipped_share: 0,
    unsupported_share: 0,
    history_dependent_share: 0,
  },
  decisions: 900,
  learners: 900,
  held_out: 100,
  logged_value: 0.18,
  clip: 100,
  reward_days: 1,
  bootstrap: 1000,
  folds: 5,
  seed: 1,
};

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe(valueRows.name, () => {
  it("sets each estimator's candidate value beside the baseline's, in points", () => {
    const sut = valueRows(REPORT);
    expect(sut.map((row) => `${row.label} · ${row.kind}`)).toEqual([
      'IPS · candidate',
      'IPS · baseline',
      'SNIPS · candidate',
      'SNIPS · baseline',
      'DR · candidate',
      'DR · baseline',
    ]);
    expect(sut[0].title).toBe('IPS (candidate): +20.00 points, 95% CI +15.00 to +25.00');
    expect(differenceRows(REPORT).map((row) => [row.label, row.estimate])).toEqual([
      ['IPS', 0.02],
      ['SNIPS', 0.03],
      ['DR', 0.01],
    ]);
  });
});

describe(opeHtml.name, () => {
  it('is one page with both plots, the table, the warnings, and nothing to fetch', () => {
    const sut = opeHtml(REPORT, 'candidate.json (rules only)');
    expect(sut.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(count(sut, /<svg /g)).toBe(2);
    expect(count(sut, /<line class="interval"/g)).toBe(9);
    expect(count(sut, /<tr>/g)).toBe(4);
    expect(sut).toContain('Baseline: the logging policy, &lt;logging&gt;.json.');
    expect(sut).toContain(
      '<p class="warning">warning: the weights leave an effective sample of 42 decisions; the intervals are wide and may be too narrow</p>',
    );
    expect(sut).toContain(
      '<tr><td>SNIPS</td><td>0.2100</td><td>0.1600 to 0.2600</td><td>0.1800</td><td>+0.0300</td><td>-0.0200 to +0.0800</td></tr>',
    );
    expect(sut).not.toMatch(/<script|<link|src=|url\(/);
  });
});
