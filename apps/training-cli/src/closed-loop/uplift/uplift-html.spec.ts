import { UpliftReport } from './uplift';
import { forestPlot, forestRows, ticks, upliftHtml, weeklyChart } from './uplift-html';

const REPORT: UpliftReport = {
  window_days: 7,
  arms: [],
  absolute_lift: { estimate: 0.02, ci95: [-0.01, 0.05] },
  cuped: { estimate: 0.015, ci95: [0.0, 0.03], variance_reduction: 0.75 },
  relative_lift: null,
  power: { mde: 0.04, target: null },
  srm: { chi2: 0, df: 1, p_value: 1, flagged: false },
  pre_period: { days: null, learners: 10, unavailable: null },
  variants: [
    {
      experiment: 'tone',
      variant: 'cold',
      control: 'warm',
      absolute_lift: { estimate: -0.01, ci95: [-0.04, 0.02] },
      cuped: null,
    },
    { experiment: 'tone', variant: 'a<b', control: 'warm', absolute_lift: null, cuped: null },
  ],
};

const WEEKLY = [
  { arm: 'holdout', rates: [0.3, 0.25] },
  { arm: 'treated', rates: [0.35, null] },
];

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe(forestRows.name, () => {
  it('has treated against holdout, then each variant with a lift, plain then CUPED', () => {
    expect(forestRows(REPORT).map(({ label, kind }) => `${label} · ${kind}`)).toEqual([
      'treated vs holdout · plain',
      'treated vs holdout · CUPED',
      'tone=cold vs warm · plain',
    ]);
  });
});

describe(ticks.name, () => {
  it('gives round values spanning the range', () => {
    // A step of 7 / 6 rounds up to 2.
    expect(ticks(-1.5, 5.5, 6)).toEqual([0, 2, 4]);
    expect(ticks(0, 33, 5)).toEqual([0, 10, 20, 30]);
    expect(ticks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  });
});

describe(forestPlot.name, () => {
  it('draws an interval and a dot per row, a line at no lift, and escapes the labels', () => {
    const sut = forestPlot([
      ...forestRows(REPORT),
      { label: 'x<y & "z"', kind: 'plain', lift: { estimate: 0, ci95: [-0.01, 0.01] } },
    ]);

    expect(count(sut, /<line class="interval"/g)).toBe(4);
    expect(count(sut, /<circle class="estimate"/g)).toBe(4);
    expect(count(sut, /<line class="zero"/g)).toBe(1);
    expect(count(sut, /<g class="row cuped"/g)).toBe(1);
    expect(sut).toContain('data-label="x&lt;y &amp; &quot;z&quot;"');
    expect(sut).not.toContain('x<y');
    // 20 + 4 rows of 28 + 40: the height follows the rows.
    expect(sut).toContain('width="720" height="172"');
  });

  it('places an interval by its bounds: the widest spans the axis less 5% either side', () => {
    const sut = forestPlot([{ label: 'a', kind: 'plain', lift: { estimate: 0.5, ci95: [0, 1] } }]);

    // [0, 1] padded by 0.05 onto x 230 to 690.
    expect(sut).toContain('<line class="interval" x1="250.91" y1="34" x2="669.09" y2="34"/>');
    expect(sut).toContain('<circle class="estimate" cx="460" cy="34" r="4"/>');
  });
});

describe(weeklyChart.name, () => {
  it('draws a line per arm through the weeks it has decisions in', () => {
    const sut = weeklyChart(WEEKLY);

    expect(count(sut, /<g class="series"/g)).toBe(2);
    expect(sut).toContain('data-arm="holdout"');
    expect(count(sut, /<circle /g)).toBe(3);
    expect(count(sut, /<text class="week"/g)).toBe(2);
    expect(sut).toContain('<title>treated, week 1: 35.00%</title>');
  });
});

describe(upliftHtml.name, () => {
  it('is one page with both charts, no script and nothing to fetch', () => {
    const sut = upliftHtml(REPORT, WEEKLY);

    expect(sut.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(count(sut, /<svg /g)).toBe(2);
    expect(sut).not.toMatch(/<script|<link|src=|url\(/);
    expect(sut).toContain("CUPED lowered the lift's variance by 75.0%.");
  });

  it('says why there is no CUPED lift', () => {
    const sut = upliftHtml(
      {
        ...REPORT,
        cuped: null,
        pre_period: { days: null, learners: 0, unavailable: 'no pre-period' },
      },
      WEEKLY,
    );

    expect(sut).toContain('<p class="note">No CUPED estimate: no pre-period.</p>');
  });
});
