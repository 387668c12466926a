import { Body, Controller, Get, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerQueryDto, CustomerTagsDto, UpdateCustomerDto } from './customer.dto';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers/:id')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @ResourceAccess('customer')
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Query() q: CustomerQueryDto) {
    return this.customers.get(viewer, id, q.reveal === true);
  }

  @Patch()
  @ResourceAccess('customer', Permission.CustomerProfileEdit)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateCustomerDto) {
    return this.customers.update(viewer, id, dto);
  }

  @Put('tags')
  @ResourceAccess('customer', Permission.CustomerTagsEdit)
  setTags(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: CustomerTagsDto) {
    return this.customers.setTags(viewer, id, dto.tags);
  }
}
