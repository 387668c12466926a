import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '../../infra/http/pagination';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { DeliveryRetryDto, FailedDeliveryPage, QueuesDto } from './failed-deliveries.dto';
import { FailedDeliveriesService } from './failed-deliveries.service';

/** Operations for an org's admins (org.manage): failed outbound deliveries and queue state (docs/operations.md). */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin')
export class FailedDeliveriesController {
  constructor(private readonly deliveries: FailedDeliveriesService) {}

  @Get('failed-deliveries')
  @RequirePermissions(Permission.OrgManage)
  @ApiOperation({ summary: "The org's outbound messages whose delivery failed, newest failure first" })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: '`nextCursor` of the previous page' })
  @ApiOkResponse({ type: FailedDeliveryPage })
  list(@CurrentViewer() viewer: Viewer, @Query() q: PageQueryDto): Promise<FailedDeliveryPage> {
    return this.deliveries.list(viewer, q);
  }

  @Post('failed-deliveries/:messageId/retry')
  @HttpCode(200)
  @RequirePermissions(Permission.OrgManage)
  @ApiOperation({ summary: 'Queue a failed delivery again through the outbound worker (409 when it is not failed)' })
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiOkResponse({ type: DeliveryRetryDto })
  @ApiNotFoundResponse({ description: 'No outbound message with this id in the org' })
  @ApiConflictResponse({ description: 'The delivery is not failed (queued again already, sent, delivered…)' })
  retry(@CurrentViewer() viewer: Viewer, @Param('messageId', UuidParamPipe) messageId: string): Promise<DeliveryRetryDto> {
    return this.deliveries.retry(viewer, messageId);
  }

  @Get('queues')
  @RequirePermissions(Permission.OrgManage)
  @ApiOperation({ summary: 'Job counts per queue (waiting, active, delayed, failed), for the whole deployment' })
  @ApiOkResponse({ type: QueuesDto })
  queues(): Promise<QueuesDto> {
    return this.deliveries.queues();
  }
}
