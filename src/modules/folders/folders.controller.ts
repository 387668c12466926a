import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ListOf, PageOf } from '../../infra/http/openapi';
import { PageQueryDto } from '../../infra/http/pagination';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { FOLDERS, Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ConversationSummaryDto } from '../conversations/conversation.responses';
import { FolderCountDto } from './folder.responses';
import { FolderQueryService } from './folder-query.service';

@ApiTags('folders')
@ApiBearerAuth()
@Controller('folders')
export class FoldersController {
  constructor(private readonly folders: FolderQueryService) {}

  /** My folders with bounded counts. */
  @Get()
  @ApiOperation({ summary: 'My folders, in display order, with bounded counts' })
  @ApiOkResponse({ type: ListOf(FolderCountDto) })
  @ApiErrors(403)
  @RequirePermissions(Permission.InboxAccess)
  counts(@CurrentViewer() viewer: Viewer) {
    return this.folders.counts(viewer);
  }

  @Get(':folder/conversations')
  @ApiOperation({ summary: 'One page of a folder, newest first in the folder order' })
  @ApiParam({ name: 'folder', enum: FOLDERS, description: 'One of my folders (GET /api/v1/folders); any other answers 404' })
  @ApiOkResponse({ type: PageOf(ConversationSummaryDto) })
  @ApiErrors(403, 404)
  @RequirePermissions(Permission.InboxAccess)
  list(@CurrentViewer() viewer: Viewer, @Param('folder') folder: string, @Query() page: PageQueryDto) {
    return this.folders.list(viewer, folder, page);
  }
}
