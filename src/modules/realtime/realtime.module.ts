import { Global, Module } from '@nestjs/common';
import { InboxGateway } from './inbox.gateway';
import { RealtimeEmitter } from './realtime.emitter';
import { RealtimeQuery } from './realtime.query';
import { RealtimeService } from './realtime.service';

/** Global so every writer can publish after commit without importing cycles. */
@Global()
@Module({
  providers: [InboxGateway, RealtimeEmitter, RealtimeQuery, RealtimeService],
  exports: [RealtimeService],
})
export class RealtimeModule {}
