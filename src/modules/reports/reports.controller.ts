import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'stream';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { ReportQueryDto, ReportSummaryDto } from './report.dto';
import { ReportService } from './report.service';
import { csvLines } from './report-csv';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportService,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  @Get('summary')
  @RequirePermissions(Permission.ReportView)
  @ApiOperation({ summary: 'Conversation, message, response-time and transfer figures of your unit subtree, grouped by member, unit or local day' })
  @ApiOkResponse({ type: ReportSummaryDto })
  summary(@CurrentViewer() viewer: Viewer, @Query() q: ReportQueryDto): Promise<ReportSummaryDto> {
    return this.reports.summary(viewer, q);
  }

  @Get('summary.csv')
  @RequirePermissions(Permission.ReportExport)
  @ApiOperation({ summary: 'The same report as CSV (streamed; every export is audited with its query)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV: a header line, one line per item, a `total` line', schema: { type: 'string' } })
  async csv(@CurrentViewer() viewer: Viewer, @Query() q: ReportQueryDto): Promise<StreamableFile> {
    const report = await this.reports.summary(viewer, q);
    const query = { from: q.from, to: q.to, unitId: report.unitId, groupBy: report.groupBy };
    await this.uow.run(() => this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'report.exported', targetType: 'unit', targetId: report.unitId, after: { query } }));
    return new StreamableFile(Readable.from(csvLines(report.items, report.totals)), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="report-${report.groupBy}-${q.from}-${q.to}.csv"`,
    });
  }
}
