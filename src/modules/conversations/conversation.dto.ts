import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';

/** A WhatsApp message template approved in WhatsApp Manager (sendable outside the 24-hour window). */
export class TemplateDto {
  @ApiProperty({ maxLength: 512, example: 'order_update' }) @IsString() @IsNotEmpty() @MaxLength(512)
  name!: string;

  @ApiProperty({ maxLength: 20, example: 'zh_TW' }) @IsString() @IsNotEmpty() @MaxLength(20)
  language!: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'WhatsApp template components (header/body/button parameters)' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsObject({ each: true })
  components?: Record<string, unknown>[];
}

export class SendMessageDto {
  /** Plain text; each channel's own limit applies (LINE 5,000, Messenger 2,000, Instagram 1,000 bytes, WhatsApp 4,096). Optional with attachments. */
  @ApiPropertyOptional({ maxLength: 5000, description: "Plain text; each channel's own limit applies. Required unless attachmentIds are given" })
  @ValidateIf((o: SendMessageDto) => o.text !== undefined || (!o.attachmentIds?.length && !o.template)) @IsString() @IsNotEmpty() @MaxLength(5000)
  text?: string;

  /** Your uploads (POST /attachments) to send with the text, at most 4 (docs/media.md). */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 4, description: 'Your uploads to send with the text' })
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(4) @IsUUID('all', { each: true })
  attachmentIds?: string[];

  /** WhatsApp only: a template message, sendable at any time (free-form replies need the customer's last message within 24 h). */
  @ApiPropertyOptional({ type: TemplateDto })
  @IsOptional() @ValidateNested() @Type(() => TemplateDto)
  template?: TemplateDto;
}

export class NoteDto {
  @ApiProperty({ maxLength: 5000 })
  @IsString() @IsNotEmpty() @MaxLength(5000)
  text!: string;

  /** Members to @mention; each must be able to read the conversation (else 422). */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 50, description: 'Members to @mention; each must be able to read the conversation (else 422)' })
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(50) @IsUUID('all', { each: true })
  mentionIds?: string[];
}

export class AssignDto {
  /** The member to assign or transfer to (exactly one of assigneeId and unitId). */
  @ApiPropertyOptional({ format: 'uuid', description: 'The member to assign or transfer to (exactly one of assigneeId and unitId)' })
  @ValidateIf((o: AssignDto) => o.unitId === undefined) @IsUUID()
  assigneeId?: string;

  /** Transfer to a unit: it becomes the conversation's home unit and routes it (docs/routing.md). */
  @ApiPropertyOptional({ format: 'uuid', description: 'Transfer to a unit instead: it becomes the home unit and routes the conversation' })
  @ValidateIf((o: AssignDto) => o.assigneeId === undefined) @IsUUID()
  unitId?: string;

  /** Stored as an internal note in the conversation and on the assignment; never sent to the customer. */
  @ApiPropertyOptional({ maxLength: 2000, description: 'Internal note, never sent to the customer' })
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class MessagesQueryDto extends PageQueryDto {
  /** The `nextCursor` of the previous page. */
  @ApiPropertyOptional({ maxLength: 512, description: 'Same as `cursor` (the `nextCursor` of the previous page)' })
  @IsOptional() @IsString() @MaxLength(512)
  before?: string;
}
