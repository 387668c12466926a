import { Module } from '@nestjs/common';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentsController, PublicMediaController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { MediaProcessor } from './media.processor';
import { MediaQueue } from './media.queue';
import { MediaSubscriber } from './media.subscriber';
import { MediaFetcher } from './media-fetcher';
import { MediaInboundService } from './media-inbound.service';
import { MediaOutboundService } from './media-outbound.service';
import { storageProvider } from './storage/storage.provider';

/** Attachments: storage drivers, inbound downloads, reading, uploads and signed URLs for providers (docs/media.md). */
@Module({
  imports: [ConversationsDataModule],
  controllers: [AttachmentsController, PublicMediaController],
  providers: [storageProvider, AttachmentRepository, AttachmentsService, MediaFetcher, MediaInboundService, MediaOutboundService, MediaProcessor, MediaQueue, MediaSubscriber],
  exports: [storageProvider, AttachmentRepository, AttachmentsService, MediaFetcher, MediaInboundService, MediaOutboundService],
})
export class MediaModule {}
