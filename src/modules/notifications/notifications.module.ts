import { Global, Module } from '@nestjs/common';
import { NotificationRepository } from './notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsProcessor } from './notifications.processor';
import { NotificationsService } from './notifications.service';
import { NotificationsSubscriber } from './notifications.subscriber';
import { ConversationsDataModule } from '../conversations/conversations-data.module';

/** Global: bindings, transfers and notes raise notifications from several modules. */
@Global()
@Module({
  imports: [ConversationsDataModule],
  controllers: [NotificationsController],
  providers: [NotificationRepository, NotificationsService, NotificationsProcessor, NotificationsSubscriber],
  exports: [NotificationsService],
})
export class NotificationsModule {}
