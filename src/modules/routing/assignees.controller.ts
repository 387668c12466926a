import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiUuidParam, ListOf } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, ResourceAccess } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { EligibleAssigneeDto } from './assignees.dto';
import { RoutingService } from './routing.service';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations/:id/assignees')
export class AssigneesController {
  constructor(private readonly routing: RoutingService) {}

  /** The assign dialog's choices: exactly the members an assignment would accept (else 422). */
  @Get()
  @ApiOperation({ summary: 'Members who may be assigned this conversation, with presence and load' })
  @ApiUuidParam()
  @ApiOkResponse({ type: ListOf(EligibleAssigneeDto) })
  @ApiErrors(404)
  @ResourceAccess('conversation', Permission.ConversationAssign)
  async list(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string): Promise<{ items: EligibleAssigneeDto[] }> {
    return { items: await this.routing.eligibleAssignees(viewer, id) };
  }
}
