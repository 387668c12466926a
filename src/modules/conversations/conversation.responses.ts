import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam } from '../../infra/http/openapi';
import { FOLDERS } from '../access/permissions';
import { CustomerDto } from '../customers/customer.responses';
import { AttachmentResponseDto } from '../media/attachments.dto';

export class MessageSenderDto {
  @ApiProperty({ enum: ['customer', 'member', 'system'] }) type!: 'customer' | 'member' | 'system';
  @ApiPropertyOptional({ format: 'uuid', description: 'The member who sent it (absent for customers, system and redacted messages)' }) memberId?: string;
}

/** A message; a private one the viewer may not read keeps only its envelope (`redacted: true`, no text or attachments). */
export class MessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ enum: ['in', 'out'], description: '`in` from the customer, `out` to the customer or internal' }) direction!: 'in' | 'out';
  @ApiProperty({ example: 'text', description: '`text`, `note` (internal), `system`, or a media kind' }) kind!: string;
  @ApiProperty({ example: 'text', description: 'What the content is (`text`, `image`, `sticker`, …); `text` when redacted' }) contentType!: string;
  @ApiProperty({ type: String, nullable: true }) text!: string | null;
  @ApiProperty({ type: () => [AttachmentResponseDto], description: 'Media of the message; empty when redacted' })
  attachments!: AttachmentResponseDto[];
  @ApiProperty({ description: 'Sent in a private conversation' }) private!: boolean;
  @ApiProperty({ description: 'Content withheld from this viewer' }) redacted!: boolean;
  @ApiProperty({ type: () => MessageSenderDto }) sender!: MessageSenderDto;
  @ApiProperty({ enum: ['queued', 'sent', 'delivered', 'read', 'failed'], nullable: true, description: 'Delivery of an outgoing message; null otherwise' })
  status!: 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why delivery failed' }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ConversationCustomerRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
}

class ConversationFieldsDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['open', 'done', 'trashed'] }) status!: 'open' | 'done' | 'trashed';
  @ApiProperty({ format: 'uuid' }) channelAccountId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeUnitId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) assignedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) boundUnitId!: string | null;
  @ApiProperty({ format: 'date-time' }) lastCustomerMessageAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAgentReplyAt!: string | null;
  @ApiProperty({ format: 'date-time' }) lastActivityAt!: string;
  @ApiProperty({ type: () => MessageDto, nullable: true, description: 'The latest message, redacted for this viewer when private' })
  lastMessage!: MessageDto | null;
}

/** A conversation as folder lists show it. */
export class ConversationSummaryDto extends ConversationFieldsDto {
  @ApiProperty({ type: () => ConversationCustomerRefDto }) customer!: ConversationCustomerRefDto;
}

/** One conversation for this viewer: the customer filtered by field permissions, readOnly and their folders. */
export class ConversationDetailDto extends ConversationFieldsDto {
  @ApiProperty({ type: () => CustomerDto }) customer!: CustomerDto;
  @ApiProperty({ description: 'True when the viewer may read but not act (e.g. previously handled)' }) readOnly!: boolean;
  @ApiProperty({ enum: FOLDERS, isArray: true, description: "The viewer's folders that hold this conversation" }) folders!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) lastAssigneeId!: string | null;
}

/** After an action that took the conversation out of the actor's sight (e.g. assigned away). */
export class ConversationGoneDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: [false] }) readable!: false;
  @ApiProperty({ type: [String], maxItems: 0 }) folders!: string[];
  @ApiProperty({ enum: [true] }) readOnly!: true;
}

/** One holding of a conversation by a member. */
export class AssignmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who assigned it (the member themself for a claim)' }) assignedById!: string | null;
  @ApiProperty({ enum: ['manual', 'claim', 'routing', 'handover'], description: 'How the assignment came about' }) via!: 'manual' | 'claim' | 'routing' | 'handover';
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: String, enum: ['transferred', 'completed', 'unassigned', 'member_deactivated'], nullable: true }) endReason!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) endedById!: string | null;
}

/**
 * A conversation action (claim, assign, complete…): 200 with the detail after the action, or
 * `ConversationGoneDto` when the actor can no longer read the conversation.
 */
export const ApiConversationAction = (summary: string, description?: string) =>
  applyDecorators(
    ApiOperation({ summary, ...(description ? { description } : {}) }),
    ApiUuidParam('id', 'The conversation'),
    ApiExtraModels(ConversationDetailDto, ConversationGoneDto),
    ApiOkResponse({
      description: 'The conversation after the action, or `readable: false` when the actor no longer sees it',
      schema: { oneOf: [{ $ref: getSchemaPath(ConversationDetailDto) }, { $ref: getSchemaPath(ConversationGoneDto) }] },
    }),
    ApiErrors(403, 404, 409, 422),
  );
