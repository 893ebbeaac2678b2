import type { LiveEngine } from '../nest/live-engine';

/**
 * A LiveEngine whose state is a label, for tests of what is sent the engine state: its portable
 * form's config document is the label, and `reload` swaps the state for a new object, as a
 * reload does.
 */
export function labelledLiveEngine(label: string): {
  readonly live: LiveEngine;
  readonly reload: (next: string) => void;
} {
  let config = { label };
  return {
    live: {
      get state() {
        return { config, models: undefined };
      },
      get portable() {
        return { configDocument: config.label, configSource: 'test', models: undefined };
      },
    } as unknown as LiveEngine,
    reload: (next: string) => void (config = { label: next }),
  };
}
