import { ApiProperty } from '@nestjs/swagger';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'mention', description: '`customer.bound`, `conversation.transfer_timeout`, `mention`, …' }) type!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What it is about (conversationId, customerId, …), already filtered for the recipient',
  })
  payload!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NotificationPageDto {
  @ApiProperty({ type: () => [NotificationDto] }) items!: NotificationDto[];
  @ApiProperty({ type: 'integer', description: 'Unread notifications in total' }) unread!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page' }) nextCursor!: string | null;
}

export class VapidPublicKeyDto {
  @ApiProperty({ type: String, nullable: true, description: 'null when web push is not configured' }) publicKey!: string | null;
}

export class PushSubscriptionCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uri' }) endpoint!: string;
}
