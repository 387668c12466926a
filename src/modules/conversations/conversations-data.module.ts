import { Module } from '@nestjs/common';
import { ConversationRepository } from './conversation.repository';
import { MessageRepository } from './message.repository';
import { PrivateSessionsService } from './private-sessions.service';

/** Conversation and message storage, shared by the channel pipeline and the conversation API. */
@Module({
  providers: [ConversationRepository, MessageRepository, PrivateSessionsService],
  exports: [ConversationRepository, MessageRepository, PrivateSessionsService],
})
export class ConversationsDataModule {}
