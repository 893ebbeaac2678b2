import { parentPort, workerData } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { EngagementModule, EngagementService } from '@app/engagement';
import { MlService } from '@app/ml';
import { scoreLine } from './score-line';
import { ScoreChunk, ScoreWorkerData, WorkerMessage } from './score-protocol';

/**
 * A scoring thread: the same EngagementModule the API runs (config, rules, FOMO, models),
 * answering each chunk of lines with its output lines, joined.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('score.worker runs as a worker thread');
  const { configPath, modelsDir, asOf } = workerData as ScoreWorkerData;
  const send = (message: WorkerMessage) => port.postMessage(message);
  try {
    const app = await NestFactory.createApplicationContext(
      EngagementModule.forRootAsync({ useFactory: () => ({ configPath, modelsDir }) }),
      { logger: false, abortOnError: false },
    );
    const engagement = app.get(EngagementService);
    const analyze = engagement.analyze.bind(engagement);
    port.on('message', (chunk: ScoreChunk) => {
      let errors = 0;
      let output = '';
      for (let i = 0; i < chunk.lines.length; i++) {
        const scored = scoreLine(chunk.lines[i], chunk.first + i, asOf, analyze);
        if (scored.failed) errors++;
        output += scored.output + '\n';
      }
      send({ kind: 'scored', seq: chunk.seq, output, errors });
    });
    send({ kind: 'ready', modelVersion: app.get(MlService).status().modelVersion });
  } catch (error) {
    send({ kind: 'failed', message: (error as Error).message });
  }
}

void main();
