import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateMemberDto, ListMembersQueryDto, UpdateMemberDto } from './member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListMembersQueryDto) {
    return this.members.list(viewer, q);
  }

  @Get(':id')
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.members.get(viewer, id);
  }

  @Post()
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateMemberDto) {
    return this.members.create(viewer, dto);
  }

  @Patch(':id')
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateMemberDto) {
    return this.members.update(viewer, id, dto);
  }
}
