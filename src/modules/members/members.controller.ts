import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateMemberDto, DeactivateMemberDto, ListMembersQueryDto, UpdateMemberDto } from './member.dto';
import { MemberDepartureService } from './member-departure.service';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly departures: MemberDepartureService,
  ) {}

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

  /** Staff departure: bindings and open conversations move to the handover member in one transaction. */
  @Post(':id/deactivate')
  @HttpCode(200)
  @RequirePermissions(Permission.OrgManage)
  async deactivate(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: DeactivateMemberDto) {
    const { member, moved } = await this.departures.deactivate(viewer, id, dto.handoverMemberId);
    return { member, moved };
  }
}
