import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateGrantDto, GrantPage, GrantView, ListGrantsQueryDto } from './governance.dto';
import { GrantsService } from './grants.service';

@ApiTags('governance')
@ApiBearerAuth()
@Controller('grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Post()
  @RequirePermissions(Permission.GrantIssue)
  @ApiOperation({ summary: 'Grant permissions you hold to a member of your subtree for a limited time (daily quota → 429)' })
  @ApiCreatedResponse({ type: GrantView })
  issue(@CurrentViewer() viewer: Viewer, @Body() dto: CreateGrantDto): Promise<GrantView> {
    return this.grants.issue(viewer, { ...dto, accessRequestId: null });
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Your grants, and with grant.issue those of your subtree, newest first' })
  @ApiOkResponse({ type: GrantPage })
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListGrantsQueryDto): Promise<GrantPage> {
    return this.grants.list(viewer, q);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermissions(Permission.GrantIssue)
  @ApiOperation({ summary: 'Revoke a grant at once' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: GrantView })
  revoke(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string): Promise<GrantView> {
    return this.grants.revoke(viewer, id);
  }
}
