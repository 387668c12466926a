import { Body, Controller, Get, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerQueryDto, CustomerTagsDto, UpdateCustomerDto } from './customer.dto';
import { CustomerDto } from './customer.responses';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers/:id')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @ApiOperation({ summary: 'Get a customer, filtered by my field permissions', description: '`reveal=true` unmasks sensitive fields (needs customer.sensitive.view; every reveal is audited).' })
  @ApiUuidParam()
  @ApiOkResponse({ type: CustomerDto })
  @ApiErrors(403, 404)
  @ResourceAccess('customer')
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Query() q: CustomerQueryDto) {
    return this.customers.get(viewer, id, q.reveal === true);
  }

  @Patch()
  @ApiOperation({ summary: "Change a customer's display name or profile fields (only those given)" })
  @ApiUuidParam()
  @ApiOkResponse({ type: CustomerDto })
  @ApiErrors(403, 404)
  @ResourceAccess('customer', Permission.CustomerProfileEdit)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateCustomerDto) {
    return this.customers.update(viewer, id, dto);
  }

  @Put('tags')
  @ApiOperation({ summary: "Replace a customer's tags" })
  @ApiUuidParam()
  @ApiOkResponse({ type: CustomerDto })
  @ApiErrors(403, 404)
  @ResourceAccess('customer', Permission.CustomerTagsEdit)
  setTags(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: CustomerTagsDto) {
    return this.customers.setTags(viewer, id, dto.tags);
  }
}
