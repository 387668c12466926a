import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AccessRequestsService } from './access-requests.service';
import { AccessRequestPage, AccessRequestView, CreateAccessRequestDto, DecideAccessRequestDto, ListAccessRequestsQueryDto } from './governance.dto';

@ApiTags('governance')
@ApiBearerAuth()
@Controller('access-requests')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  @Post()
  @Authenticated()
  @ApiOperation({ summary: 'Ask for permissions for a time; the grant issuers above you are notified' })
  @ApiCreatedResponse({ type: AccessRequestView })
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateAccessRequestDto): Promise<AccessRequestView> {
    return this.requests.create(viewer, dto);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Your access requests, and with grant.issue those of your subtree, newest first' })
  @ApiOkResponse({ type: AccessRequestPage })
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListAccessRequestsQueryDto): Promise<AccessRequestPage> {
    return this.requests.list(viewer, q);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @RequirePermissions(Permission.GrantIssue)
  @ApiOperation({ summary: 'Approve a pending request: issues the grant (decided once → 409)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AccessRequestView })
  approve(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() _dto: DecideAccessRequestDto): Promise<AccessRequestView> {
    return this.requests.decide(viewer, id, 'approved');
  }

  @Post(':id/deny')
  @HttpCode(200)
  @RequirePermissions(Permission.GrantIssue)
  @ApiOperation({ summary: 'Deny a pending request (decided once → 409)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AccessRequestView })
  deny(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() _dto: DecideAccessRequestDto): Promise<AccessRequestView> {
    return this.requests.decide(viewer, id, 'denied');
  }
}
