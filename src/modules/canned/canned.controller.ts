import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CannedQueryDto, CannedResponseList, CannedResponseView, CreateCannedResponseDto, UpdateCannedResponseDto } from './canned.dto';
import { CannedService } from './canned.service';

@ApiTags('canned-responses')
@ApiBearerAuth()
@Controller('canned-responses')
export class CannedController {
  constructor(private readonly canned: CannedService) {}

  @Get()
  @RequirePermissions(Permission.InboxAccess)
  @ApiOperation({ summary: 'Canned responses offered to you (org-wide and your unit and its ancestors), by shortcode; ?q= shortcode/title prefix' })
  @ApiOkResponse({ type: CannedResponseList })
  list(@CurrentViewer() viewer: Viewer, @Query() q: CannedQueryDto) {
    return this.canned.list(viewer, q);
  }

  @Post()
  @RequirePermissions(Permission.CannedManage)
  @ApiOperation({ summary: 'Create a canned response for your unit or below (org-wide needs org.manage); shortcode taken in that unit → 409' })
  @ApiCreatedResponse({ type: CannedResponseView })
  create(@CurrentViewer() viewer: Viewer, @Body() dto: CreateCannedResponseDto) {
    return this.canned.create(viewer, dto);
  }

  @Patch(':id')
  @RequirePermissions(Permission.CannedManage)
  @ApiOperation({ summary: 'Edit a canned response of your unit or below (org-wide needs org.manage)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CannedResponseView })
  update(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateCannedResponseDto) {
    return this.canned.update(viewer, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.CannedManage)
  @ApiOperation({ summary: 'Delete a canned response of your unit or below (org-wide needs org.manage)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.canned.remove(viewer, id);
  }
}
