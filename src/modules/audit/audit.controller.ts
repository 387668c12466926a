import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, PageOf } from '../../infra/http/openapi';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditLogQueryDto } from './audit.dto';
import { AuditLogDto } from './audit.responses';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Read the audit log, newest first (filter by action, actor, since)' })
  @ApiOkResponse({ type: PageOf(AuditLogDto) })
  @ApiErrors(403)
  @RequirePermissions(Permission.AuditView)
  list(@CurrentViewer() viewer: Viewer, @Query() q: AuditLogQueryDto) {
    return this.audit.list(viewer, q);
  }
}
