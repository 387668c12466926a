import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, ListOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateUnitDto, UpdateUnitDto } from './unit.dto';
import { UnitDto } from './unit.responses';
import { UnitsService } from './units.service';

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @ApiOperation({ summary: 'List every unit of the org tree' })
  @ApiOkResponse({ type: ListOf(UnitDto) })
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer) {
    return this.units.list(viewer);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one unit' })
  @ApiUuidParam()
  @ApiOkResponse({ type: UnitDto })
  @ApiErrors(404)
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.units.get(viewer, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a unit under a parent unit' })
  @ApiCreatedResponse({ type: UnitDto })
  @ApiErrors(403, 422)
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateUnitDto) {
    return this.units.create(viewer, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a unit or move it (with its subtree) under another parent' })
  @ApiUuidParam()
  @ApiOkResponse({ type: UnitDto })
  @ApiErrors(403, 404, 409, 422)
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateUnitDto) {
    return this.units.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an empty unit' })
  @ApiUuidParam()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(403, 404, 409)
  @RequirePermissions(Permission.OrgManage)
  remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.units.remove(viewer, id);
  }
}
