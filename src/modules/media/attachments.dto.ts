import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ATTACHMENT_TYPES } from './attachment.entity';

/** An attachment (in `message.attachments[]` and from POST /attachments). */
export class AttachmentResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ATTACHMENT_TYPES }) type!: string;
  @ApiProperty({ type: String, nullable: true, example: 'image/jpeg' }) mimeType!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Bytes' }) size!: number | null;
  @ApiProperty({ type: String, nullable: true }) fileName!: string | null;
  @ApiProperty({ enum: ['pending', 'stored', 'failed'], description: 'pending until downloaded from the provider' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '/api/v1/attachments/3f2c…', description: 'Bytes (bearer token); a LINE sticker: LINE’s public image; a location: null' })
  url!: string | null;
  @ApiPropertyOptional() packageId?: string;
  @ApiPropertyOptional() stickerId?: string;
  @ApiPropertyOptional() stickerUrl?: string;
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() latitude?: number;
  @ApiPropertyOptional() longitude?: number;
  @ApiPropertyOptional({ description: 'Milliseconds (audio, video)' }) duration?: number;
}
