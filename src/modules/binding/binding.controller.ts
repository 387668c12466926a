import { Body, Controller, Delete, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerDto } from '../customers/customer.responses';
import { BindCustomerDto } from './binding.dto';
import { BindingService } from './binding.service';

@ApiTags('binding')
@ApiBearerAuth()
@Controller('customers/:id/binding')
export class BindingController {
  constructor(private readonly binding: BindingService) {}

  /** Bind, or transfer the binding to another unit/member. */
  @Put()
  @ApiOperation({ summary: 'Bind a customer to a unit (and optionally a member), or transfer the binding' })
  @ApiUuidParam('id', 'The customer')
  @ApiOkResponse({ type: CustomerDto })
  @ApiErrors(403, 404, 422)
  @RequirePermissions(Permission.BindingManage)
  bind(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: BindCustomerDto) {
    return this.binding.bind(viewer, id, dto.unitId, dto.memberId);
  }

  @Delete()
  @ApiOperation({ summary: 'Unbind a customer' })
  @ApiUuidParam('id', 'The customer')
  @ApiOkResponse({ type: CustomerDto })
  @ApiErrors(403, 404)
  @RequirePermissions(Permission.BindingManage)
  unbind(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.binding.unbind(viewer, id);
  }
}
