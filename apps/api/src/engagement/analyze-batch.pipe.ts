import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EngagementService, invalidRequestProblem, ValidBatch } from '@app/engagement';
import { Env } from '../config/env.config';

/** Checks a batch's envelope (items array within BATCH_MAX_ITEMS, as_of); a 400 otherwise. */
@Injectable()
export class AnalyzeBatchPipe implements PipeTransform<unknown, ValidBatch> {
  private readonly maxItems: number;

  constructor(
    private readonly engagement: EngagementService,
    env: ConfigService<Env, true>,
  ) {
    this.maxItems = env.get('BATCH_MAX_ITEMS', { infer: true });
  }

  transform(body: unknown): ValidBatch {
    const result = this.engagement.validateBatch(body, this.maxItems);
    if (!result.ok) throw new BadRequestException(invalidRequestProblem(result.errors));
    return result.value;
  }
}
