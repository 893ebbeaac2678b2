import { Worker } from 'node:worker_threads';

/**
 * Runs in a worker thread as plain JavaScript. vega and vega-lite are ES modules only; this
 * CommonJS build would turn an `import()` into `require()`, and jest's module system cannot load
 * them either. A worker evaluates this source untouched, with Node's own loader, in both.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const requireHere = createRequire(workerData.resolveFrom);
const load = (name) => import(pathToFileURL(requireHere.resolve(name)).href);
(async () => {
  const [vega, vegaLite] = await Promise.all([load('vega'), load('vega-lite')]);
  const { Resvg } = requireHere('@resvg/resvg-js');
  const pngs = [];
  for (const spec of workerData.specs) {
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    pngs.push(new Resvg(svg, workerData.resvg).render().asPng());
  }
  parentPort.postMessage({ pngs });
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

/** The font the charts are drawn with; the PNG renderer loads exactly this font and no other. */
export const CHART_FONT = 'DejaVu Sans';

/** The font files shipped with the dejavu-fonts-ttf package: regular for text, bold for titles. */
export function chartFontFiles(): string[] {
  return [
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  ];
}

/** Pixels per chart unit: twice the spec's size keeps text crisp on high-density screens. */
const ZOOM = 2;

type WorkerReply = { pngs: Uint8Array[] } | { error: string };

/**
 * Renders Vega-Lite specs to PNG: vega lays out an SVG (no canvas, no native build), resvg
 * rasterises it. Only the shipped font files are loaded, never the system's, so the PNG bytes
 * are the same on every machine.
 */
export async function renderPngs(
  specs: readonly Record<string, unknown>[],
  font: { readonly family: string; readonly files: readonly string[] },
): Promise<Buffer[]> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      resolveFrom: __filename,
      specs,
      resvg: {
        background: 'white',
        fitTo: { mode: 'zoom', value: ZOOM },
        font: {
          loadSystemFonts: false,
          fontFiles: font.files,
          defaultFontFamily: font.family,
          sansSerifFamily: font.family,
        },
      },
    },
  });
  try {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`chart renderer exited with code ${code}`)));
    });
    if ('error' in reply) throw new Error(`chart rendering failed: ${reply.error}`);
    return reply.pngs.map((png) => Buffer.from(png));
  } finally {
    await worker.terminate();
  }
}
