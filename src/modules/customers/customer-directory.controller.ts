import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerDirectoryPage, CustomerDirectoryQueryDto } from './customer-directory.dto';
import { CustomerDirectoryService } from './customer-directory.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class CustomerDirectoryController {
  constructor(private readonly directory: CustomerDirectoryService) {}

  @Get()
  @RequirePermissions(Permission.InboxAccess)
  @ApiOperation({ summary: 'Customers whose conversation you can read, newest activity first, field-filtered and masked as in GET /customers/:id' })
  @ApiOkResponse({ type: CustomerDirectoryPage })
  list(@CurrentViewer() viewer: Viewer, @Query() q: CustomerDirectoryQueryDto) {
    return this.directory.list(viewer, q);
  }
}
