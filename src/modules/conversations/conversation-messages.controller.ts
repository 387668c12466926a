import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, PageOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { MessagesQueryDto, NoteDto, SendMessageDto } from './conversation.dto';
import { MessageDto } from './conversation.responses';
import { ConversationMessagesService } from './conversation-messages.service';
import { ConversationReadService } from './conversation-read.service';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations/:id')
export class ConversationMessagesController {
  constructor(
    private readonly reads: ConversationReadService,
    private readonly messages: ConversationMessagesService,
  ) {}

  /** Newest first; pass the previous page's `nextCursor` as `before`. */
  @Get('messages')
  @ApiOperation({ summary: 'Messages of a conversation, newest first, private ones redacted for me' })
  @ApiUuidParam()
  @ApiOkResponse({ type: PageOf(MessageDto) })
  @ApiErrors(404)
  @ResourceAccess('conversation')
  list(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Query() q: MessagesQueryDto) {
    return this.reads.messagesOf(viewer, id, q.limit ?? 50, q.before ?? q.cursor);
  }

  @Post('messages')
  @ApiOperation({ summary: 'Reply to the customer', description: 'Stored as queued and sent by a job; `message.updated` reports delivery.' })
  @ApiUuidParam()
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(403, 404, 409, 422)
  @ResourceAccess('conversation', Permission.ConversationReply)
  reply(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: SendMessageDto) {
    return this.messages.reply(viewer, id, dto.text ?? '', dto.attachmentIds ?? [], dto.template);
  }

  @Post('notes')
  @ApiOperation({ summary: 'Add an internal note, optionally @mentioning members' })
  @ApiUuidParam()
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(403, 404, 422)
  @ResourceAccess('conversation', Permission.ConversationNote)
  note(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: NoteDto) {
    return this.messages.note(viewer, id, dto.text, dto.mentionIds);
  }
}
