/// <reference lib="dom" />
// The page is inspected in the browser, with the DOM's types.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Browser } from 'puppeteer-core';
import { launchBrowser, openFile, SKIP_BROWSER } from './browser';
import { REPO_ROOT, runBuiltCli } from './run-cli';

/** 20% held out, the rest split between two tone variants: warm, the first, is the control. */
const CONFIG = {
  assignment: {
    holdout_percent: 20,
    experiments: [
      {
        key: 'tone',
        variants: [
          { key: 'warm', weight: 0.5 },
          { key: 'cold', weight: 0.5 },
        ],
      },
    ],
  },
};

const ARMS = ['holdout', 'treated', 'tone=warm', 'tone=cold'];
const LIFTS = ['treated vs holdout', 'tone=cold vs warm'];

(SKIP_BROWSER ? describe.skip : describe)('training-cli uplift --html in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uplift-html-'));
    const document = JSON.parse(await readFile(join(REPO_ROOT, 'config/config.json'), 'utf8'));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ ...document, ...CONFIG }));
    const simulated = await runBuiltCli([
      'simulate-platform',
      '--users',
      '400',
      '--days',
      '14',
      '--config',
      config,
      '--out-dir',
      dir,
    ]);
    expect(simulated.code).toBe(0);
    page = join(dir, 'uplift.html');
    const uplift = await runBuiltCli([
      'uplift',
      '--decisions',
      join(dir, 'decisions.ndjson'),
      '--outcomes',
      join(dir, 'outcomes.ndjson'),
      '--config',
      config,
      '--html',
      page,
    ]);
    expect(uplift.code).toBe(0);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('renders the forest plot and the weekly chart, from the file alone, without an error', async () => {
    const { tab, errors, requests } = await openFile(browser, page);
    const sut = await tab.evaluate(() => {
      const size = (selector: string) => {
        const box = document.querySelector(selector)!.getBoundingClientRect();
        return [box.width, box.height];
      };
      const rows = Array.from(document.querySelectorAll('#forest .row'));
      return {
        title: document.title,
        forest: size('#forest'),
        weekly: size('#weekly'),
        rows: rows.map(
          (row) => `${row.getAttribute('data-label')} · ${row.getAttribute('data-kind')}`,
        ),
        labels: rows.map((row) => row.querySelector('text.label')!.textContent),
        intervals: document.querySelectorAll('#forest line.interval').length,
        estimates: document.querySelectorAll('#forest circle.estimate').length,
        // Each estimate lies on its interval, drawn where the browser laid it out.
        inside: rows.every((row) => {
          const line = row.querySelector('line.interval')!.getBoundingClientRect();
          const dot = row.querySelector('circle.estimate')!.getBoundingClientRect();
          const centre = dot.left + dot.width / 2;
          return line.width > 0 && line.left <= centre && centre <= line.right;
        }),
        zero: document.querySelectorAll('#forest line.zero').length,
        series: Array.from(document.querySelectorAll('#weekly .series')).map((series) => [
          series.getAttribute('data-arm'),
          series.querySelectorAll('circle').length,
        ]),
        scripts: document.querySelectorAll('script').length,
      };
    });

    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(page).href]);
    expect(sut.title).toBe('uplift');
    expect(sut.forest[0]).toBeGreaterThan(0);
    expect(sut.forest[1]).toBeGreaterThan(0);
    expect(sut.weekly[0]).toBeGreaterThan(0);
    expect(sut.weekly[1]).toBeGreaterThan(0);
    // Plain and CUPED for treated over holdout, and for the variant over its control.
    expect(sut.rows).toEqual(LIFTS.flatMap((lift) => [`${lift} · plain`, `${lift} · CUPED`]));
    expect(sut.labels).toEqual(sut.rows);
    expect(sut.intervals).toBe(4);
    expect(sut.estimates).toBe(4);
    expect(sut.inside).toBe(true);
    expect(sut.zero).toBe(1);
    // 14 days of decisions: two weeks for every arm.
    expect(sut.series).toEqual(ARMS.map((arm) => [arm, 2]));
    expect(sut.scripts).toBe(0);
    await tab.close();
  }, 60_000);
});
