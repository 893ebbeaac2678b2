/// <reference types="jest" />
import { Test, TestingModule } from '@nestjs/testing';
import { join } from 'node:path';
import { EngagementAnalysis, FieldError, parseJsonDocument } from '@app/contract';
import { MlService } from '@app/ml';
import { EngagementModule } from '../nest/engagement.module';
import { EngagementService } from '../nest/engagement.service';
import { CLOCK } from '../nest/engagement.tokens';
import { Case, Expected } from '@app/contract/testing';

const ROOT = join(__dirname, '../../../..');
/** 2025-07-01, the day after the example's as_of: a body without as_of answers alike any day. */
const TODAY = Math.floor(Date.UTC(2025, 6, 1) / 86_400_000);

type Result =
  | { readonly refused: string }
  | { readonly errors: readonly FieldError[] }
  | { readonly analysis: EngagementAnalysis };

/**
 * Hostile bodies for POST /analyze-engagement, taken through what the endpoint runs before it
 * answers: the body parser's parseJsonDocument, then validate, then analyze, with the committed
 * models and config. Each case asserts the parser's exact message, the exact list of field errors,
 * or what must hold of the analysis. The hostile-input specs each run a share of the tables.
 */
export function describeHostileBodies(tables: readonly [category: string, cases: Case[]][]): void {
  describe(`${parseJsonDocument.name} and ${EngagementService.name}: hostile request bodies`, () => {
    let moduleRef: TestingModule;
    let sut: EngagementService;
    let modelVersion: string | null;

    beforeAll(async () => {
      // The committed models and config, as the API loads them, so the analyses match its answers.
      moduleRef = await Test.createTestingModule({
        imports: [
          EngagementModule.forRootAsync({
            useFactory: () => ({
              configPath: join(ROOT, 'config/config.json'),
              modelsDir: join(ROOT, 'models'),
            }),
          }),
        ],
      })
        .overrideProvider(CLOCK)
        .useValue({ today: () => TODAY })
        .compile();
      moduleRef.useLogger(false);
      await moduleRef.init();
      sut = moduleRef.get(EngagementService);
      const status = moduleRef.get(MlService).status();
      // Rules-only analyses would pass some checks for the wrong reason.
      if (status.mode !== 'ml') throw new Error(`models not loaded: ${status.error}`);
      modelVersion = status.modelVersion;
    });

    afterAll(async () => {
      await moduleRef.close();
    });

    /** Parse as the body parser does, then validate and analyse as the endpoint does. */
    function run(body: string): Result {
      const parsed = parseJsonDocument(Buffer.from(body));
      if (!parsed.ok) return { refused: parsed.message };
      const valid = sut.validate(parsed.value);
      if (!valid.ok) return { errors: valid.errors };
      return { analysis: sut.analyze(valid.value) };
    }

    describe.each(tables)('%s', (_category, cases) => {
      it.each(cases)('%s', (_name, body, expected: Expected) => {
        const result = run(body);
        if (!('analysed' in expected)) {
          expect(result).toEqual(expected);
          return;
        }
        const generated: unknown = expect.objectContaining({
          status: 'generated',
          model_version: modelVersion,
        });
        expect(result).toEqual({ analysis: generated });
        expected.check?.((result as { analysis: EngagementAnalysis }).analysis);
      });
    });
  });
}
