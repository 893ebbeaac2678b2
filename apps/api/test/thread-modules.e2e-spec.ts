import { join } from 'node:path';
import { loadedByThread, nestFiles } from '../../../test/loaded-by-thread';
import { API_DIST } from './built';

/** The built scripts of the threads that run the engine: the API's, and `score`'s. */
const THREAD_SCRIPTS = [
  join(API_DIST, 'apps/api/src/engagement/engine.worker.js'),
  join(API_DIST, '../training-cli/apps/training-cli/src/score/score.worker.js'),
];

describe.each(THREAD_SCRIPTS)('the engine thread %s', (script) => {
  it("loads none of Nest: @nestjs/swagger's shim stands in under the contract's DTOs", async () => {
    const loaded = await loadedByThread(script);
    expect(nestFiles(loaded)).toEqual(['@nestjs/swagger/dist/extra/swagger-shim.js']);
    expect(loaded.filter((file) => file.includes('/@tensorflow/'))).toEqual([]);
    // What it does load: the engine, and class-validator, whose metadata validation reads.
    expect(
      loaded.some((file) => file.endsWith('/engagement/src/pipeline/analyze-learner.js')),
    ).toBe(true);
    expect(loaded.some((file) => file.includes('/node_modules/class-validator/'))).toBe(true);
  });
});
