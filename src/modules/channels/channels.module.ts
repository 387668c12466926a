import { Module } from '@nestjs/common';
import { BindingModule } from '../binding/binding.module';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { CustomersModule } from '../customers/customers.module';
import { MediaModule } from '../media/media.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RoutingModule } from '../routing/routing.module';
import { UnitsModule } from '../units/units.module';
import { ChannelAccountRepository } from './channel-account.repository';
import { ChannelAccountsController } from './channel-accounts.controller';
import { ChannelAccountsService } from './channel-accounts.service';
import { InboundService } from './inbound.service';
import { InboundEventRepository } from './inbound-event.repository';
import { OutboundProcessor } from './outbound/outbound.processor';
import { OutboundQueue } from './outbound/outbound.queue';
import { OutboundSubscriber } from './outbound/outbound.subscriber';
import { OutboundRecoveryService } from './outbound/outbound-recovery.service';
import { ProviderClient } from './outbound/provider-client';
import { RejectedInboundEventRepository } from './rejected-inbound-event.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [ConversationsDataModule, CustomersModule, BindingModule, MetricsModule, RoutingModule, MediaModule, UnitsModule],
  controllers: [ChannelAccountsController, WebhooksController],
  providers: [
    ChannelAccountRepository,
    ChannelAccountsService,
    InboundEventRepository,
    RejectedInboundEventRepository,
    InboundService,
    WebhooksService,
    ProviderClient,
    OutboundQueue,
    OutboundProcessor,
    OutboundRecoveryService,
    OutboundSubscriber,
  ],
  exports: [ChannelAccountRepository, OutboundQueue, InboundService],
})
export class ChannelsModule {}
