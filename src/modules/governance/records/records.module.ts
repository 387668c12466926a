import { Module } from '@nestjs/common';
import { ConversationsModule } from '../../conversations/conversations.module';
import { ConversationsDataModule } from '../../conversations/conversations-data.module';
import { CustomersModule } from '../../customers/customers.module';
import { MediaModule } from '../../media/media.module';
import { OrgsModule } from '../../orgs/orgs.module';
import { ConversationExportService } from './conversation-export.service';
import { CustomerErasureService } from './customer-erasure.service';
import { OrphanFilesProcessor } from './orphan-files.processor';
import { OrphanFilesService } from './orphan-files.service';
import { RecordsController } from './records.controller';
import { RecordsRepository } from './records.repository';
import { RetentionProcessor } from './retention.processor';
import { RetentionService } from './retention.service';

/** Export, erasure, retention and the orphan-file sweep: the governance of inbox history. */
@Module({
  imports: [ConversationsModule, ConversationsDataModule, CustomersModule, MediaModule, OrgsModule],
  controllers: [RecordsController],
  providers: [RecordsRepository, ConversationExportService, CustomerErasureService, RetentionService, RetentionProcessor, OrphanFilesService, OrphanFilesProcessor],
  exports: [RetentionService],
})
export class RecordsModule {}
