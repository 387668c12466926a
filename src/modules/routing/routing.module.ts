import { Module } from '@nestjs/common';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { PresenceModule } from '../presence/presence.module';
import { AssigneesController } from './assignees.controller';
import { RequeueSweeper } from './requeue.sweeper';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';
import { RoutingSubscriber } from './routing.subscriber';

/** Who gets a waiting conversation (docs/routing.md); called inside the ingest/transfer unit of work. */
@Module({
  imports: [ConversationsDataModule, PresenceModule],
  controllers: [AssigneesController],
  providers: [RoutingRepository, RoutingService, RoutingSubscriber, RequeueSweeper],
  exports: [RoutingService],
})
export class RoutingModule {}
