import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { ReportQuery } from './report.query';
import { ReportRepository } from './report.repository';
import { ReportService } from './report.service';
import { ReportSubscriber } from './report.subscriber';
import { ReportsController } from './reports.controller';

/** Reports (docs/reports.md): rollups kept from relayed domain events, read by the summary API. */
@Module({
  imports: [AuditModule, EventsModule],
  controllers: [ReportsController],
  providers: [ReportRepository, ReportQuery, ReportService, ReportSubscriber],
})
export class ReportsModule {}
