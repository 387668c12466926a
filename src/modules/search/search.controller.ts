import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { SearchPage, SearchQueryDto } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiBearerAuth()
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @RequirePermissions(Permission.InboxAccess)
  @ApiOperation({
    summary: 'Conversations you can read whose messages, notes or customer name contain q (substring, case-insensitive), newest first',
  })
  @ApiOkResponse({ type: SearchPage })
  find(@CurrentViewer() viewer: Viewer, @Query() q: SearchQueryDto) {
    return this.search.find(viewer, q);
  }
}
