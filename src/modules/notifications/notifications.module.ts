import { Global, Module } from '@nestjs/common';
import { NotificationRepository } from './notification.repository';
import { NotificationsController } from './notifications.controller';
import { NotificationsProcessor } from './notifications.processor';
import { NotificationsService } from './notifications.service';

/** Global: bindings, transfers and notes raise notifications from several modules. */
@Global()
@Module({
  controllers: [NotificationsController],
  providers: [NotificationRepository, NotificationsService, NotificationsProcessor],
  exports: [NotificationsService],
})
export class NotificationsModule {}
