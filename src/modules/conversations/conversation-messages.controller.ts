import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ConversationMessagesService } from './conversation-messages.service';
import { MessagesQueryDto, NoteDto, SendMessageDto } from './conversation.dto';
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
  @ResourceAccess('conversation')
  list(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Query() q: MessagesQueryDto) {
    return this.reads.messagesOf(viewer, id, q.limit ?? 50, q.before ?? q.cursor);
  }

  @Post('messages')
  @ResourceAccess('conversation', Permission.ConversationReply)
  reply(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: SendMessageDto) {
    return this.messages.reply(viewer, id, dto.text);
  }

  @Post('notes')
  @ResourceAccess('conversation', Permission.ConversationNote)
  note(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: NoteDto) {
    return this.messages.note(viewer, id, dto.text, dto.mentionIds);
  }
}
