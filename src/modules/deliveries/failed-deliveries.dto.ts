import { ApiProperty } from '@nestjs/swagger';

export class FailedDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The outbound message' }) messageId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ format: 'uuid' }) channelAccountId!: string;
  @ApiProperty({ enum: ['line', 'messenger', 'instagram', 'whatsapp'] }) channel!: string;
  @ApiProperty({ type: String, nullable: true, description: "The provider's (or the network's) last error" }) error!: string | null;
  @ApiProperty({ description: 'Delivery attempts made' }) attempts!: number;
  @ApiProperty({ format: 'date-time', description: 'When the message was written' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the delivery was recorded failed' }) failedAt!: string;
}

export class FailedDeliveryPage {
  @ApiProperty({ type: [FailedDeliveryDto] }) items!: FailedDeliveryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one' }) nextCursor!: string | null;
}

export class DeliveryRetryDto {
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ enum: ['queued'], description: 'The message is queued again; the outbound worker delivers it' }) status!: 'queued';
}

export class QueueCountsDto {
  @ApiProperty({ example: 'outbound' }) name!: string;
  @ApiProperty({ description: 'false when Redis did not answer in time: the counts are then null' }) available!: boolean;
  @ApiProperty({ type: Number, nullable: true }) waiting!: number | null;
  @ApiProperty({ type: Number, nullable: true }) active!: number | null;
  @ApiProperty({ type: Number, nullable: true }) delayed!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Failed jobs still kept by the queue (the last 5,000 per queue)' }) failed!: number | null;
}

export class QueuesDto {
  @ApiProperty({ type: [QueueCountsDto] }) queues!: QueueCountsDto[];
}
