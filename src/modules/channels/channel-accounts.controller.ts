import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, ListOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateChannelAccountDto, UpdateChannelAccountDto } from './channel-account.dto';
import { ChannelAccountDto } from './channel-account.responses';
import { ChannelAccountsService } from './channel-accounts.service';

@ApiTags('channel-accounts')
@ApiBearerAuth()
@Controller('channel-accounts')
export class ChannelAccountsController {
  constructor(private readonly accounts: ChannelAccountsService) {}

  @Get()
  @ApiOperation({ summary: 'List the channel accounts with their webhook URLs' })
  @ApiOkResponse({ type: ListOf(ChannelAccountDto) })
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer) {
    return this.accounts.list(viewer);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one channel account' })
  @ApiUuidParam()
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiErrors(404)
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.accounts.get(viewer, id);
  }

  @Post()
  @ApiOperation({ summary: 'Connect a LINE, Messenger, Instagram or WhatsApp account', description: 'Secrets are stored encrypted and never returned.' })
  @ApiCreatedResponse({ type: ChannelAccountDto })
  @ApiErrors(403, 409)
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateChannelAccountDto) {
    return this.accounts.create(viewer, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a channel account or rotate its secrets' })
  @ApiUuidParam()
  @ApiOkResponse({ type: ChannelAccountDto })
  @ApiErrors(403, 404, 409)
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateChannelAccountDto) {
    return this.accounts.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect a channel account' })
  @ApiUuidParam()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(403, 404, 409)
  @RequirePermissions(Permission.OrgManage)
  remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.accounts.remove(viewer, id);
  }
}
