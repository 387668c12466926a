import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CHANNEL_TYPES, ChannelType } from './channel-account.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateChannelAccountDto {
  @ApiProperty({ enum: CHANNEL_TYPES })
  @IsIn(CHANNEL_TYPES)
  type!: ChannelType;

  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  /** LINE bot user id (destination), Facebook page id, Instagram account id or WhatsApp phone-number id. */
  @ApiProperty({ maxLength: 200, description: 'LINE bot user id (destination), Facebook page id, Instagram account id or WhatsApp phone-number id' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  externalId!: string;

  /** LINE channel secret, or the Meta app secret: verifies webhook signatures. */
  @ApiProperty({ maxLength: 500, description: 'LINE channel secret or Meta app secret: verifies webhook signatures' })
  @IsString() @IsNotEmpty() @MaxLength(500)
  secret!: string;

  /** Channel access token / page token / WhatsApp token: used to send. */
  @ApiProperty({ maxLength: 2000, description: 'Channel access token / page token / WhatsApp token: used to send' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  accessToken!: string;

  /** Meta's `hub.verify_token` for the subscription GET. */
  @ApiPropertyOptional({ maxLength: 500, description: "Meta's hub.verify_token for the subscription GET" })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  verifyToken?: string;
}

export class UpdateChannelAccountDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  secret?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000)
  accessToken?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  verifyToken?: string;

  /** Home unit of this account's conversations whose customer is not bound (routing; docs/routing.md); null clears it. */
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Home unit of conversations whose customer is not bound; null clears it' })
  @IsOptional() @IsUUID()
  routingUnitId?: string | null;

  /** LINE basic id (`@123abcde`), for binding deep links; null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: '@123abcde' })
  @IsOptional() @IsString() @MaxLength(100)
  basicId?: string | null;

  /** Instagram username, for binding deep links; null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @IsOptional() @IsString() @MaxLength(100)
  username?: string | null;

  /** WhatsApp phone number (country code first), for binding deep links; null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 32, example: '886912345678' })
  @IsOptional() @IsString() @MaxLength(32)
  phoneNumber?: string | null;
}

export interface ChannelAccountView {
  id: string;
  type: ChannelType;
  name: string;
  externalId: string;
  webhookUrl: string;
  routingUnitId: string | null;
  basicId?: string | null;
  username?: string | null;
  phoneNumber?: string | null;
  createdAt: string;
}
