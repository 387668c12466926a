import { Module } from '@nestjs/common';
import { AppConfigModule } from './infra/config/config.module';
import { CryptoModule } from './infra/crypto/crypto.module';
import { DatabaseModule } from './infra/database/database.module';
import { LoggingModule } from './infra/logging/logging.module';
import { QueueModule } from './infra/queue/queue.module';
import { RedisModule } from './infra/redis/redis.module';
import { AccessModule } from './modules/access/access.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { BindingModule } from './modules/binding/binding.module';
import { CannedModule } from './modules/canned/canned.module';
import { ChannelsModule } from './modules/channels/channels.module';
import { ConsoleModule } from './modules/console/console.module';
import { ConversationsModule } from './modules/conversations/conversations.module';
import { CustomersModule } from './modules/customers/customers.module';
import { DeliveriesModule } from './modules/deliveries/deliveries.module';
import { EventsModule } from './modules/events/events.module';
import { FoldersModule } from './modules/folders/folders.module';
import { GovernanceModule } from './modules/governance/governance.module';
import { RecordsModule } from './modules/governance/records/records.module';
import { HealthModule } from './modules/health/health.module';
import { MediaModule } from './modules/media/media.module';
import { MembersModule } from './modules/members/members.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { OrgsModule } from './modules/orgs/orgs.module';
import { ProfilesModule } from './modules/profiles/profiles.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { ReportsModule } from './modules/reports/reports.module';
import { RolesModule } from './modules/roles/roles.module';
import { SearchModule } from './modules/search/search.module';
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
    SearchModule,
    CannedModule,
    ReportsModule,
    GovernanceModule,
    RecordsModule,
    MediaModule,
    ProfilesModule,
    HealthModule,
    MetricsModule,
    DeliveriesModule,
    // Last: the console's static files are served after every route (src/modules/console).
    ConsoleModule,
  ],
})
export class AppModule {}
