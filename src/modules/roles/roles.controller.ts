import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, ListOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateRoleDto, UpdateRoleDto } from './role.dto';
import { RoleDto } from './role.responses';
import { RolesService } from './roles.service';

@ApiTags('roles')
@ApiBearerAuth()
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @ApiOperation({ summary: 'List the roles of the org' })
  @ApiOkResponse({ type: ListOf(RoleDto) })
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer) {
    return this.roles.list(viewer);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one role' })
  @ApiUuidParam()
  @ApiOkResponse({ type: RoleDto })
  @ApiErrors(404)
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.roles.get(viewer, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a role from permission keys' })
  @ApiCreatedResponse({ type: RoleDto })
  @ApiErrors(403, 409, 422)
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateRoleDto) {
    return this.roles.create(viewer, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a role or change its permissions and notification channels' })
  @ApiUuidParam()
  @ApiOkResponse({ type: RoleDto })
  @ApiErrors(403, 404, 409, 422)
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateRoleDto) {
    return this.roles.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a role no member holds' })
  @ApiUuidParam()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(403, 404, 409)
  @RequirePermissions(Permission.OrgManage)
  remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.roles.remove(viewer, id);
  }
}
