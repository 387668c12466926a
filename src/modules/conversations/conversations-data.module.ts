import { Module } from '@nestjs/common';
import { ConversationRepository } from './conversation.repository';
import { MessageRepository } from './message.repository';

/** Conversation and message storage, shared by the channel pipeline and the conversation API. */
@Module({
  providers: [ConversationRepository, MessageRepository],
  exports: [ConversationRepository, MessageRepository],
})
export class ConversationsDataModule {}
