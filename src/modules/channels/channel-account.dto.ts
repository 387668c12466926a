import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CHANNEL_TYPES, ChannelType } from './channel-account.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateChannelAccountDto {
  @IsIn(CHANNEL_TYPES)
  type!: ChannelType;

  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  /** LINE bot user id (destination), Facebook page id, Instagram account id or WhatsApp phone-number id. */
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  externalId!: string;

  /** LINE channel secret, or the Meta app secret: verifies webhook signatures. */
  @IsString() @IsNotEmpty() @MaxLength(500)
  secret!: string;

  /** Channel access token / page token / WhatsApp token: used to send. */
  @IsString() @IsNotEmpty() @MaxLength(2000)
  accessToken!: string;

  /** Meta's `hub.verify_token` for the subscription GET. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  verifyToken?: string;
}

export class UpdateChannelAccountDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  secret?: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000)
  accessToken?: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  verifyToken?: string;
}

export interface ChannelAccountView {
  id: string;
  type: ChannelType;
  name: string;
  externalId: string;
  webhookUrl: string;
  createdAt: string;
}
