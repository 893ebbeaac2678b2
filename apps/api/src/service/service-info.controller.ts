import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { API_KEY_SCHEME, ApiProblems } from '../docs/api-docs';
import { MlService } from '@app/ml';
import { APP_INFO } from '../config/app-info';
import { ServiceInfoDto } from './service-info.dto';

@ApiTags('service')
@Controller()
export class ServiceInfoController {
  constructor(private readonly ml: MlService) {}

  @Get()
  @ApiSecurity(API_KEY_SCHEME)
  @ApiOperation({
    operationId: 'getServiceInfo',
    summary: 'The service, its version and state, and where its docs are',
  })
  @ApiOkResponse({ type: ServiceInfoDto })
  @ApiProblems([400, 401, 429, 500])
  info(): ServiceInfoDto {
    return {
      service: APP_INFO.name,
      version: APP_INFO.version,
      status: this.ml.status().mode === 'ml' ? 'ok' : 'degraded',
      docs: '/docs',
    };
  }
}
