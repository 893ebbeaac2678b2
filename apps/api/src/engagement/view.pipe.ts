import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { AnalysisView, invalidRequestProblem, parseView } from '@app/contract';

/** The `view` query parameter: `full` when absent, a 400 naming `view` when not a view. */
@Injectable()
export class ViewPipe implements PipeTransform<unknown, AnalysisView> {
  transform(value: unknown): AnalysisView {
    const view = parseView(value);
    if (typeof view === 'string') return view;
    throw new BadRequestException(invalidRequestProblem([view]));
  }
}
