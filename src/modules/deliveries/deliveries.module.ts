import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { MetricsModule } from '../metrics/metrics.module';
import { DeliveryRetrySubscriber } from './delivery-retry.subscriber';
import { FailedDeliveriesController } from './failed-deliveries.controller';
import { FailedDeliveriesQuery } from './failed-deliveries.query';
import { FailedDeliveriesService } from './failed-deliveries.service';

/** Failed outbound deliveries: list, retry, queue state (docs/operations.md). */
@Module({
  imports: [ChannelsModule, ConversationsDataModule, MetricsModule],
  controllers: [FailedDeliveriesController],
  providers: [FailedDeliveriesQuery, FailedDeliveriesService, DeliveryRetrySubscriber],
})
export class DeliveriesModule {}
