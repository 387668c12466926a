import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { MediaModule } from '../media/media.module';
import { ProfileRepository } from './profile.repository';
import { ProfilesProcessor } from './profiles.processor';
import { ProfilesSubscriber } from './profiles.subscriber';

/** Customer display names and avatars from the providers (docs/media.md). */
@Module({
  imports: [MediaModule, CustomersModule],
  providers: [ProfileRepository, ProfilesProcessor, ProfilesSubscriber],
})
export class ProfilesModule {}
