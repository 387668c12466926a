import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditEventsSubscriber } from './audit-events.subscriber';
import { AuditExportController } from './audit-export.controller';

@Global()
@Module({
  controllers: [AuditController, AuditExportController],
  providers: [AuditRepository, AuditService, AuditEventsSubscriber],
  exports: [AuditService],
})
export class AuditModule {}
