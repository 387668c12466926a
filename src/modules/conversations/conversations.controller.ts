import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, ListOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AssignDto } from './conversation.dto';
import { ApiConversationAction, AssignmentDto, ConversationDetailDto } from './conversation.responses';
import { ConversationActionsService } from './conversation-actions.service';
import { ConversationReadService } from './conversation-read.service';

/**
 * Conversation reads and actions. Permissions are checked by the AccessPolicy after
 * readability (404 for a conversation you cannot read, 403 when you can but may not act).
 */
@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations/:id')
export class ConversationsController {
  constructor(
    private readonly reads: ConversationReadService,
    private readonly actions: ConversationActionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Get a conversation: summary, customer (field-filtered), readOnly and my folders' })
  @ApiUuidParam()
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiErrors(404)
  @ResourceAccess('conversation')
  detail(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.reads.detail(viewer, id);
  }

  /** Every assignment: who, when, note, who ended it and why. */
  @Get('assignments')
  @ApiOperation({ summary: 'The assignment history of a conversation' })
  @ApiUuidParam()
  @ApiOkResponse({ type: ListOf(AssignmentDto) })
  @ApiErrors(404)
  @ResourceAccess('conversation')
  history(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    return this.reads.history(viewer, id);
  }

  @Post('claim')
  @HttpCode(200)
  @ApiConversationAction('Claim an unassigned conversation for myself', 'Two members claiming at once: exactly one wins, the other gets 409.')
  @ResourceAccess('conversation', Permission.ConversationClaim)
  async claim(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    await this.actions.claim(viewer, id);
    return this.reads.detailAfterAction(viewer, id);
  }

  @Post('assign')
  @HttpCode(200)
  @ApiConversationAction('Assign or transfer to a member (or a unit), with an optional internal note')
  @ResourceAccess('conversation', Permission.ConversationAssign)
  async assign(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Body() dto: AssignDto) {
    if ((dto.assigneeId === undefined) === (dto.unitId === undefined)) throw new BadRequestException('Give exactly one of assigneeId and unitId');
    if (dto.unitId !== undefined) await this.actions.transferToUnit(viewer, id, dto.unitId, dto.note);
    else await this.actions.assign(viewer, id, dto.assigneeId!, dto.note);
    return this.reads.detailAfterAction(viewer, id);
  }

  @Post('complete')
  @HttpCode(200)
  @ApiConversationAction('Complete a conversation')
  @ResourceAccess('conversation', Permission.ConversationComplete)
  async complete(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    await this.actions.complete(viewer, id);
    return this.reads.detailAfterAction(viewer, id);
  }

  @Post('reopen')
  @HttpCode(200)
  @ApiConversationAction('Reopen a completed or trashed conversation')
  @ResourceAccess('conversation', Permission.ConversationComplete)
  async reopen(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    await this.actions.reopen(viewer, id);
    return this.reads.detailAfterAction(viewer, id);
  }

  @Post('trash')
  @HttpCode(200)
  @ApiConversationAction('Move a conversation to the trash')
  @ResourceAccess('conversation', Permission.ConversationTrash)
  async trash(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    await this.actions.trash(viewer, id);
    return this.reads.detailAfterAction(viewer, id);
  }

  @Post('unassign')
  @HttpCode(200)
  @ApiConversationAction('Unassign a conversation (back to unassigned)')
  @ResourceAccess('conversation', Permission.ConversationAssign)
  async unassign(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    await this.actions.unassign(viewer, id);
    return this.reads.detailAfterAction(viewer, id);
  }
}
