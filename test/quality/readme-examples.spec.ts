import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngagementAnalysis } from '@app/contract';
import { EngagementModule, EngagementService } from '@app/engagement';

const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The quick start's request: the body of its `curl … -d '…'`. */
function readmeRequest(): Record<string, unknown> {
  const body = /curl -s localhost:3000\/analyze-engagement [^\n]*-d '(\{[\s\S]*?\})'/.exec(README);
  if (body === null) throw new Error('README has no curl example of /analyze-engagement');
  return JSON.parse(body[1]) as Record<string, unknown>;
}

/** The answer the README shows for it: the first JSON block after the request. */
function readmeAnswer(): EngagementAnalysis {
  const after = README.slice(README.indexOf("-d '{"));
  const block = /```json\n([\s\S]*?)\n```/.exec(after);
  if (block === null) throw new Error('README has no JSON answer after its curl example');
  return JSON.parse(block[1]) as EngagementAnalysis;
}

/** README prose with its line breaks as spaces, as a reader sees it. */
const PROSE = README.replace(/\s+/g, ' ');

describe("the README's example answers the service's own", () => {
  let analyze: (body: object) => EngagementAnalysis;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        EngagementModule.forRootAsync({
          useFactory: () => ({
            configPath: join(ROOT, 'config/config.json'),
            modelsDir: join(ROOT, 'models'),
          }),
        }),
      ],
    }).compile();
    await moduleRef.init();
    const engine = moduleRef.get(EngagementService);
    analyze = (body) => {
      const valid = engine.validate(body);
      if (!valid.ok) throw new Error(`the README's request is invalid: ${JSON.stringify(valid)}`);
      return engine.analyze(valid.value);
    };
    close = () => moduleRef.close();
  });

  afterAll(() => close());

  it('shows the answer to its request exactly, but for the decision id made per call', () => {
    const shown = readmeAnswer();
    const live = analyze({ ...readmeRequest(), decision_id: shown.decision_id });

    expect(shown).toEqual(JSON.parse(JSON.stringify(live)));
  });

  it.each(['es', 'hi'])(
    'quotes the %s title of its comeback nudge as the service words it',
    (locale) => {
      const live = analyze({ ...readmeRequest(), locale });
      const comeback = live.nudges.find((nudge) => nudge.type === 'comeback');

      expect(comeback).toBeDefined();
      expect(PROSE).toContain(`"${comeback!.title}"`);
    },
  );
});
