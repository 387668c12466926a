import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import { appConfig } from '../../infra/config/app.config';
import { ApiErrors, ApiUuidParam } from '../../infra/http/openapi';
import { decodeTimeIdCursor, encodeCursor, PageQueryDto } from '../../infra/http/pagination';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Authenticated, CurrentViewer } from '../access/access.decorators';
import type { Viewer } from '../access/viewer';
import { presentNotification } from './notification.presenter';
import { NotificationRepository } from './notification.repository';
import { NotificationDto, NotificationPageDto, PushSubscriptionCreatedDto, VapidPublicKeyDto } from './notification.responses';

class PushKeysDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) p256dh!: string;
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) auth!: string;
}

/** A browser PushSubscription as `subscription.toJSON()` gives it. */
export class PushSubscriptionDto {
  @ApiProperty({ format: 'uri', maxLength: 2000 })
  @IsUrl({ require_tld: false, protocols: ['https', 'http'] }) @MaxLength(2000)
  endpoint!: string;

  @ApiProperty({ type: () => PushKeysDto })
  @IsObject() @ValidateNested() @Type(() => PushKeysDto)
  keys!: PushKeysDto;
}

class UnsubscribeDto {
  @ApiProperty({ maxLength: 2000, description: 'The endpoint of the subscription to drop' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  endpoint!: string;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly repo: NotificationRepository,
  ) {}

  /** My notification center, newest first, with the unread count. */
  @Get('notifications')
  @ApiOperation({ summary: 'My notification center, newest first, with the unread count' })
  @ApiOkResponse({ type: NotificationPageDto })
  @Authenticated()
  async list(@CurrentViewer() viewer: Viewer, @Query() q: PageQueryDto) {
    const limit = q.limit ?? 50;
    const key = decodeTimeIdCursor(q.cursor);
    const [rows, unread] = await Promise.all([
      this.repo.list(viewer.orgId, viewer.memberId, limit, key ? { createdAt: key.at, id: key.id } : null),
      this.repo.unreadCount(viewer.orgId, viewer.memberId),
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(presentNotification), unread, nextCursor: rows.length > limit ? encodeCursor([last.created_key, last.id]) : null };
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read' })
  @ApiUuidParam()
  @ApiOkResponse({ type: NotificationDto })
  @ApiErrors(404)
  @Authenticated()
  async read(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string) {
    const row = await this.repo.markRead(viewer.orgId, viewer.memberId, id);
    if (!row) throw new NotFoundException('Notification not found');
    return presentNotification(row);
  }

  /** The VAPID public key a browser needs for `pushManager.subscribe`. */
  @Get('push-subscriptions/vapid-public-key')
  @ApiOperation({ summary: 'The VAPID public key a browser needs to subscribe to web push' })
  @ApiOkResponse({ type: VapidPublicKeyDto })
  @Authenticated()
  vapidKey() {
    return { publicKey: this.cfg.vapid.publicKey ?? null };
  }

  @Post('push-subscriptions')
  @ApiOperation({ summary: "Register this browser's push subscription (idempotent per endpoint)" })
  @ApiCreatedResponse({ type: PushSubscriptionCreatedDto })
  @Authenticated()
  async subscribe(@CurrentViewer() viewer: Viewer, @Body() dto: PushSubscriptionDto) {
    const id = await this.repo.upsertSubscription(viewer.orgId, viewer.memberId, { endpoint: dto.endpoint, p256dh: dto.keys.p256dh, auth: dto.keys.auth });
    return { id, endpoint: dto.endpoint };
  }

  @Delete('push-subscriptions')
  @HttpCode(204)
  @ApiOperation({ summary: 'Drop a push subscription by its endpoint' })
  @ApiNoContentResponse({ description: 'Dropped (or was not there)' })
  @Authenticated()
  async unsubscribe(@CurrentViewer() viewer: Viewer, @Body() dto: UnsubscribeDto) {
    await this.repo.deleteSubscriptionByEndpoint(viewer.orgId, viewer.memberId, dto.endpoint);
  }
}
