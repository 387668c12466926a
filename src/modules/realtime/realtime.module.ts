import { Module } from '@nestjs/common';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PresenceModule } from '../presence/presence.module';
import { InboxGateway } from './inbox.gateway';
import { RealtimeEmitter } from './realtime.emitter';
import { RealtimeQuery } from './realtime.query';
import { RealtimeService } from './realtime.service';
import { RealtimeSubscriber } from './realtime.subscriber';

/** Sockets: the gateway, and the subscriber that turns committed events into socket events. Writers never import it. */
@Module({
  imports: [ConversationsDataModule, MetricsModule, PresenceModule],
  providers: [InboxGateway, RealtimeEmitter, RealtimeQuery, RealtimeService, RealtimeSubscriber],
  exports: [RealtimeService],
})
export class RealtimeModule {}
