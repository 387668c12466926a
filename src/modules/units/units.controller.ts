import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CreateUnitDto, UpdateUnitDto } from './unit.dto';
import { UnitsService } from './units.service';

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  @Authenticated()
  list(@CurrentViewer() viewer: Viewer) {
    return this.units.list(viewer);
  }

  @Get(':id')
  @Authenticated()
  get(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.units.get(viewer, id);
  }

  @Post()
  @RequirePermissions(Permission.OrgManage)
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateUnitDto) {
    return this.units.create(viewer, dto);
  }

  @Patch(':id')
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateUnitDto) {
    return this.units.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.OrgManage)
  remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.units.remove(viewer, id);
  }
}
