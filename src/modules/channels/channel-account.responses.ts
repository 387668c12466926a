import { ApiProperty } from '@nestjs/swagger';
import { CHANNEL_TYPES } from './channel-account.entity';

/** A connected provider account; secrets never appear. */
export class ChannelAccountDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'LINE bot user id, Facebook page id, Instagram account id or WhatsApp phone-number id' }) externalId!: string;
  @ApiProperty({ format: 'uri', description: "Where to point the provider's webhook" }) webhookUrl!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Home unit of conversations whose customer is not bound' }) routingUnitId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'LINE basic id (binding deep links)' }) basicId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Instagram username (binding deep links)' }) username!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'WhatsApp phone number (binding deep links)' }) phoneNumber!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
