import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { invalidRequestProblem, ValidRequest } from '@app/contract';
import { EngagementService } from '@app/engagement';

/** Turns the body into a validated request, or a 400 naming every offending field. */
@Injectable()
export class AnalyzeRequestPipe implements PipeTransform<unknown, ValidRequest> {
  constructor(private readonly engagement: EngagementService) {}

  transform(body: unknown): ValidRequest {
    const result = this.engagement.validate(body);
    if (!result.ok) throw new BadRequestException(invalidRequestProblem(result.errors));
    return result.value;
  }
}
