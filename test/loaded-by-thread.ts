import { Worker } from 'node:worker_threads';

/**
 * The files a worker thread has loaded once `script` (a built thread script) is loaded in it,
 * with `/` between folders on every platform. The script runs as in production, listening on
 * its port; nothing is sent to it, and a script that throws as it starts (it was given no
 * state) has loaded its modules all the same.
 */
export async function loadedByThread(script: string): Promise<string[]> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     try { require(${JSON.stringify(script)}); } catch {}
     parentPort.postMessage({ loaded: Object.keys(require.cache) });`,
    { eval: true, workerData: {} },
  );
  try {
    return await new Promise<string[]>((resolve, reject) => {
      // A script may post messages of its own: only the list of files is awaited.
      worker.on('message', (message: { loaded?: string[] }) => {
        if (message.loaded !== undefined)
          resolve(message.loaded.map((file) => file.replaceAll('\\', '/')));
      });
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

/** The files of `loaded` under node_modules/@nestjs/, from the scope on. */
export function nestFiles(loaded: readonly string[]): string[] {
  return loaded
    .filter((file) => file.includes('/node_modules/@nestjs/'))
    .map((file) => file.slice(file.indexOf('@nestjs/')));
}
