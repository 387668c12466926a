import { Module } from '@nestjs/common';
import { PresenceController } from './presence.controller';
import { PresenceRepository } from './presence.repository';
import { PresenceService } from './presence.service';
import { PresenceStore } from './presence.store';

/** Who is available, away or offline (Redis), and `member.presence_changed` when that changes. */
@Module({
  controllers: [PresenceController],
  providers: [PresenceStore, PresenceRepository, PresenceService],
  exports: [PresenceService],
})
export class PresenceModule {}
