import { Module } from '@nestjs/common';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { NotificationRepository } from './notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsProcessor } from './notifications.processor';
import { NotificationsService } from './notifications.service';
import { NotificationsSubscriber } from './notifications.subscriber';

/** The notification center, email and Web Push; fed by committed events (NotificationsSubscriber), never called by writers. */
@Module({
  imports: [ConversationsDataModule, RealtimeModule],
  controllers: [NotificationsController],
  providers: [NotificationRepository, NotificationsService, NotificationsProcessor, NotificationsSubscriber],
})
export class NotificationsModule {}
