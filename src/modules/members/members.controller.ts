import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, PageOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateMemberDto, DeactivateMemberDto, ListMembersQueryDto, UpdateMemberDto } from './member.dto';
import { MemberDeactivationDto, MemberDto } from './member.responses';
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
  @ApiOperation({ summary: 'List members (filter by unit, role, status), one page at a time' })
  @ApiOkResponse({ type: PageOf(MemberDto) })
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer, @Query() q: ListMembersQueryDto) {
    return this.members.list(viewer, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one member' })
  @ApiUuidParam()
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors(404)
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.members.get(viewer, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a member in a unit with a role' })
  @ApiCreatedResponse({ type: MemberDto })
  @ApiErrors(403, 409, 422)
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateMemberDto) {
    return this.members.create(viewer, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a member's email, password, name, unit, role or channel scope" })
  @ApiUuidParam()
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors(403, 404, 409, 422)
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateMemberDto) {
    return this.members.update(viewer, id, dto);
  }

  /** Staff departure: bindings and open conversations move to the handover member in one transaction. */
  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate a member, handing their customers and open conversations to another member' })
  @ApiUuidParam()
  @ApiOkResponse({ type: MemberDeactivationDto })
  @ApiErrors(403, 404, 409, 422)
  @RequirePermissions(Permission.OrgManage)
  async deactivate(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: DeactivateMemberDto) {
    const { member, moved } = await this.departures.deactivate(viewer, id, dto.handoverMemberId);
    return { member, moved };
  }
}
