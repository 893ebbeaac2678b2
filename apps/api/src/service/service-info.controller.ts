import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MlService } from '@app/ml';
import { APP_INFO } from './app-info';
import { ServiceInfoDto } from './service-info.dto';

@ApiTags('service')
@Controller()
export class ServiceInfoController {
  constructor(private readonly ml: MlService) {}

  @Get()
  @ApiOkResponse({ type: ServiceInfoDto })
  info(): ServiceInfoDto {
    return {
      service: APP_INFO.name,
      version: APP_INFO.version,
      status: this.ml.status().mode === 'ml' ? 'ok' : 'degraded',
      docs: '/docs',
    };
  }
}
