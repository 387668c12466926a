import { Global, Module } from '@nestjs/common';
import { InboxGateway } from './inbox.gateway';
import { RealtimeEmitter } from './realtime.emitter';
import { RealtimeQuery } from './realtime.query';
import { RealtimeService } from './realtime.service';
import { RealtimeSubscriber } from './realtime.subscriber';
import { ConversationsDataModule } from '../conversations/conversations-data.module';

/** Global so every writer can publish after commit without importing cycles. */
@Global()
@Module({
  imports: [ConversationsDataModule],
  providers: [InboxGateway, RealtimeEmitter, RealtimeQuery, RealtimeService, RealtimeSubscriber],
  exports: [RealtimeService],
})
export class RealtimeModule {}
