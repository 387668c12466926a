import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'stream';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditLogFilterDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditExportController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit-logs.csv')
  @RequirePermissions(Permission.AuditView, Permission.AuditExport)
  @ApiOperation({ summary: 'The audit log as CSV with the same filters and scope (streamed; the export is audited)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV: id, at, actorId, action, targetType, targetId, before, after', schema: { type: 'string' } })
  async csv(@CurrentViewer() viewer: Viewer, @Query() q: AuditLogFilterDto): Promise<StreamableFile> {
    const lines = this.audit.exportCsv(viewer, q);
    // The first line is pulled here so a bad query answers 400 instead of a broken download.
    const first = await lines.next();
    async function* all() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    return new StreamableFile(Readable.from(all()), { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="audit-log.csv"' });
  }
}
