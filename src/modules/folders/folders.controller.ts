import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '../../infra/http/pagination';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { FolderQueryService } from './folder-query.service';

@ApiTags('folders')
@ApiBearerAuth()
@Controller('folders')
export class FoldersController {
  constructor(private readonly folders: FolderQueryService) {}

  /** My folders with bounded counts. */
  @Get()
  @RequirePermissions(Permission.InboxAccess)
  counts(@CurrentViewer() viewer: Viewer) {
    return this.folders.counts(viewer);
  }

  @Get(':folder/conversations')
  @RequirePermissions(Permission.InboxAccess)
  list(@CurrentViewer() viewer: Viewer, @Param('folder') folder: string, @Query() page: PageQueryDto) {
    return this.folders.list(viewer, folder, page);
  }
}
