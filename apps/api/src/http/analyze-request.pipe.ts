import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { EngagementService, FieldError, ValidRequest } from '@app/engagement';

export function validationFailed(errors: readonly FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `invalid request: ${errors.length} field${errors.length === 1 ? '' : 's'} failed validation`,
    errors,
  });
}

/** Turns the body into a validated request, or a 400 naming every offending field. */
@Injectable()
export class AnalyzeRequestPipe implements PipeTransform<unknown, ValidRequest> {
  constructor(private readonly engagement: EngagementService) {}

  transform(body: unknown): ValidRequest {
    const result = this.engagement.validate(body);
    if (!result.ok) throw validationFailed(result.errors);
    return result.value;
  }
}
