import { Body, Controller, Delete, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { BindCustomerDto } from './binding.dto';
import { BindingService } from './binding.service';

@ApiTags('binding')
@ApiBearerAuth()
@Controller('customers/:id/binding')
export class BindingController {
  constructor(private readonly binding: BindingService) {}

  /** Bind, or transfer the binding to another unit/member. */
  @Put()
  @RequirePermissions(Permission.BindingManage)
  bind(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: BindCustomerDto) {
    return this.binding.bind(viewer, id, dto.unitId, dto.memberId);
  }

  @Delete()
  @RequirePermissions(Permission.BindingManage)
  unbind(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.binding.unbind(viewer, id);
  }
}
