import { parentPort, workerData } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { EngagementModule, EngagementService } from '@app/engagement';
import { MlService } from '@app/ml';
import { scoreBlock } from './score-block';
import { ScoreBlock, ScoreWorkerData, WorkerMessage } from './score-protocol';

/**
 * A scoring thread: the same EngagementModule the API runs (config, rules, FOMO, models),
 * answering each block of lines with the encoded output lines, transferred back.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('score.worker runs as a worker thread');
  const { configPath, modelsDir, asOf } = workerData as ScoreWorkerData;
  try {
    const app = await NestFactory.createApplicationContext(
      EngagementModule.forRootAsync({ useFactory: () => ({ configPath, modelsDir }) }),
      { logger: false, abortOnError: false },
    );
    const engagement = app.get(EngagementService);
    const analyze = engagement.analyze.bind(engagement);
    // TextEncoder gives each output its own ArrayBuffer, safe to transfer (a small Buffer may
    // share node's pool with unrelated data).
    const encoder = new TextEncoder();
    port.on('message', (block: ScoreBlock) => {
      const scored = scoreBlock(block.bytes, block.first, asOf, analyze);
      const output = encoder.encode(scored.output);
      const message: WorkerMessage = {
        kind: 'scored',
        seq: block.seq,
        output,
        lines: scored.lines,
        errors: scored.errors,
      };
      port.postMessage(message, [output.buffer]);
    });
    port.postMessage({
      kind: 'ready',
      modelVersion: app.get(MlService).status().modelVersion,
    } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies WorkerMessage);
  }
}

void main();
