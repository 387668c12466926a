import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateChannelAccountDto, UpdateChannelAccountDto } from './channel-account.dto';
import { ChannelAccountsService } from './channel-accounts.service';

@ApiTags('channel-accounts')
@ApiBearerAuth()
@Controller('channel-accounts')
export class ChannelAccountsController {
  constructor(private readonly accounts: ChannelAccountsService) {}

  @Get()
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer) {
    return this.accounts.list(viewer);
  }

  @Get(':id')
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.accounts.get(viewer, id);
  }

  @Post()
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateChannelAccountDto) {
    return this.accounts.create(viewer, dto);
  }

  @Patch(':id')
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateChannelAccountDto) {
    return this.accounts.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.OrgManage)
  remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.accounts.remove(viewer, id);
  }
}
