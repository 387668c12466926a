import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateRoleDto, UpdateRoleDto } from './role.dto';
import { RolesService } from './roles.service';

@ApiTags('roles')
@ApiBearerAuth()
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer) {
    return this.roles.list(viewer);
  }

  @Get(':id')
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.roles.get(viewer, id);
  }

  @Post()
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateRoleDto) {
    return this.roles.create(viewer, dto);
  }

  @Patch(':id')
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateRoleDto) {
    return this.roles.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.OrgManage)
  remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.roles.remove(viewer, id);
  }
}
