import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ConversationMessagesController } from './conversation-messages.controller';
import { ConversationsDataModule } from './conversations-data.module';
import { OutboundMessagesService } from './outbound-messages.service';

@Module({
  imports: [ConversationsDataModule, ChannelsModule],
  controllers: [ConversationMessagesController],
  providers: [OutboundMessagesService],
})
export class ConversationsModule {}
