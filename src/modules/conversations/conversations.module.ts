import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { CustomersModule } from '../customers/customers.module';
import { GovernanceModule } from '../governance/governance.module';
import { MediaModule } from '../media/media.module';
import { RoutingModule } from '../routing/routing.module';
import { UnitsModule } from '../units/units.module';
import { ConversationActionsService } from './conversation-actions.service';
import { ConversationMessagesController } from './conversation-messages.controller';
import { ConversationMessagesService } from './conversation-messages.service';
import { ConversationReadService } from './conversation-read.service';
import { ConversationSummariesService } from './conversation-summaries.service';
import { ConversationsController } from './conversations.controller';
import { ConversationsDataModule } from './conversations-data.module';

@Module({
  imports: [ConversationsDataModule, ChannelsModule, CustomersModule, RoutingModule, UnitsModule, MediaModule, GovernanceModule],
  controllers: [ConversationsController, ConversationMessagesController],
  providers: [ConversationActionsService, ConversationMessagesService, ConversationReadService, ConversationSummariesService],
  exports: [ConversationSummariesService, ConversationReadService],
})
export class ConversationsModule {}
