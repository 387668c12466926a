import { Module } from '@nestjs/common';
import { ConversationsModule } from '../../conversations/conversations.module';
import { ConversationsDataModule } from '../../conversations/conversations-data.module';
import { CustomersModule } from '../../customers/customers.module';
import { MediaModule } from '../../media/media.module';
import { ConversationExportService } from './conversation-export.service';
import { CustomerErasureService } from './customer-erasure.service';
import { RecordsController } from './records.controller';
import { RecordsRepository } from './records.repository';
import { RetentionProcessor } from './retention.processor';
import { RetentionService } from './retention.service';

/** Export, erasure and retention: the governance of inbox history. */
@Module({
  imports: [ConversationsModule, ConversationsDataModule, CustomersModule, MediaModule],
  controllers: [RecordsController],
  providers: [RecordsRepository, ConversationExportService, CustomerErasureService, RetentionService, RetentionProcessor],
  exports: [RetentionService],
})
export class RecordsModule {}
