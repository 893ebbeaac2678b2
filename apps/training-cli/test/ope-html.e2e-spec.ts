/// <reference lib="dom" />
// The page is inspected in the browser, with the DOM's types.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'puppeteer-core';
import { launchBrowser, openFile, SKIP_BROWSER } from './browser';
import { runBuiltCli } from './run-cli';

/** Logs of rules only exploring with ε = 0.2; the candidate fills one slot. */
const LOGGING = { policy: { exploration_epsilon: 0.2 }, assignment: { holdout_percent: 10 } };
const ONE_SLOT = { max_nudges: 1, assignment: { holdout_percent: 10 } };

(SKIP_BROWSER ? describe.skip : describe)('training-cli ope --html in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ope-html-'));
    const path = (name: string) => join(dir, name);
    await writeFile(path('logging.json'), JSON.stringify(LOGGING));
    await writeFile(path('one-slot.json'), JSON.stringify(ONE_SLOT));
    const simulated = await runBuiltCli([
      'simulate-platform',
      ...['--users', '400', '--days', '1', '--seed', '3'],
      ...['--config', path('logging.json'), '--models-dir', path('no-models')],
      ...['--out-dir', dir],
    ]);
    expect(simulated.code).toBe(0);
    page = path('ope.html');
    const ope = await runBuiltCli([
      'ope',
      ...['--decisions', path('decisions.ndjson'), '--outcomes', path('outcomes.ndjson')],
      ...['--logging-config', path('logging.json'), '--logging-models-dir', path('no-models')],
      ...['--config', path('one-slot.json'), '--models-dir', path('no-models')],
      ...['--bootstrap', '200', '--html', page],
    ]);
    expect(ope.code).toBe(0);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("draws each estimate beside the baseline's, and the differences, from the file alone", async () => {
    const { tab, errors, requests, url } = await openFile(browser, page);
    const sut = await tab.evaluate(() => {
      const plot = (id: string) => {
        const svg = document.querySelector(`#${id}`)!;
        const box = svg.getBoundingClientRect();
        const rows = Array.from(svg.querySelectorAll('.row'));
        return {
          size: [box.width, box.height],
          rows: rows.map(
            (row) => `${row.getAttribute('data-label')} · ${row.getAttribute('data-kind')}`,
          ),
          // Each estimate lies on its interval, drawn where the browser laid it out.
          inside: rows.every((row) => {
            const line = row.querySelector('line.interval')!.getBoundingClientRect();
            const dot = row.querySelector('circle.estimate')!.getBoundingClientRect();
            const centre = dot.left + dot.width / 2;
            return line.left <= centre + 0.5 && centre - 0.5 <= line.right;
          }),
          zero: svg.querySelectorAll('line.zero').length,
        };
      };
      return {
        title: document.title,
        values: plot('values'),
        difference: plot('difference'),
        tableRows: Array.from(document.querySelectorAll('table tr')).map(
          (tr) => tr.querySelector('td, th')!.textContent,
        ),
        scripts: document.querySelectorAll('script').length,
      };
    });

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(sut.title).toBe('ope');
    for (const plot of [sut.values, sut.difference]) {
      expect(plot.size[0]).toBeGreaterThan(0);
      expect(plot.size[1]).toBeGreaterThan(0);
      expect(plot.inside).toBe(true);
      expect(plot.zero).toBe(1);
    }
    expect(sut.values.rows).toEqual(
      ['IPS', 'SNIPS', 'DR'].flatMap((name) => [`${name} · candidate`, `${name} · baseline`]),
    );
    expect(sut.difference.rows).toEqual([
      'IPS · difference',
      'SNIPS · difference',
      'DR · difference',
    ]);
    expect(sut.tableRows).toEqual(['estimator', 'IPS', 'SNIPS', 'DR']);
    expect(sut.scripts).toBe(0);
    await tab.close();
  }, 60_000);
});
