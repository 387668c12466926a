import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { OutboundMessagesService } from './outbound-messages.service';
import { SendMessageDto } from './send-message.dto';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations/:id/messages')
export class ConversationMessagesController {
  constructor(private readonly outbound: OutboundMessagesService) {}

  // Folder-scoped write access arrives with the folders issue; until then only org admins send.
  @Post()
  @RequirePermissions(Permission.OrgManage, Permission.ConversationReply)
  send(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: SendMessageDto) {
    return this.outbound.send(viewer, id, dto.text);
  }
}
