import { Module } from '@nestjs/common';
import { AppConfigModule } from './infra/config/config.module';
import { DatabaseModule } from './infra/database/database.module';
import { EventsModule } from './modules/events/events.module';
import { LoggingModule } from './infra/logging/logging.module';
import { CryptoModule } from './infra/crypto/crypto.module';
import { QueueModule } from './infra/queue/queue.module';
import { RedisModule } from './infra/redis/redis.module';
import { AccessModule } from './modules/access/access.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { BindingModule } from './modules/binding/binding.module';
import { ChannelsModule } from './modules/channels/channels.module';
import { ConversationsModule } from './modules/conversations/conversations.module';
import { CustomersModule } from './modules/customers/customers.module';
import { FoldersModule } from './modules/folders/folders.module';
import { HealthModule } from './modules/health/health.module';
import { MembersModule } from './modules/members/members.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { OrgsModule } from './modules/orgs/orgs.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { RolesModule } from './modules/roles/roles.module';
import { UnitsModule } from './modules/units/units.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    DatabaseModule,
    EventsModule,
    RedisModule,
    CryptoModule,
    QueueModule,
    AccessModule,
    RealtimeModule,
    NotificationsModule,
    AuditModule,
    AuthModule,
    OrgsModule,
    UnitsModule,
    RolesModule,
    MembersModule,
    ChannelsModule,
    ConversationsModule,
    CustomersModule,
    FoldersModule,
    BindingModule,
    HealthModule,
  ],
})
export class AppModule {}
