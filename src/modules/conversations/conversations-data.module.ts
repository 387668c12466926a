import { Module } from '@nestjs/common';
import { AssignmentRepository } from './assignment.repository';
import { ConversationRepository } from './conversation.repository';
import { ConversationAssignments } from './conversation-assignments.service';
import { MessageRepository } from './message.repository';
import { PrivateSessionsService } from './private-sessions.service';

/** Conversation, message and assignment storage, shared by the channel pipeline, the conversation API and staff departure. */
@Module({
  providers: [ConversationRepository, MessageRepository, PrivateSessionsService, AssignmentRepository, ConversationAssignments],
  exports: [ConversationRepository, MessageRepository, PrivateSessionsService, AssignmentRepository, ConversationAssignments],
})
export class ConversationsDataModule {}
