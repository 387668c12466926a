import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';

export class SendMessageDto {
  /** Plain text; each channel's own limit applies (LINE 5,000, Messenger 2,000, Instagram 1,000 bytes, WhatsApp 4,096). */
  @IsString() @IsNotEmpty() @MaxLength(5000)
  text!: string;
}

export class NoteDto {
  @IsString() @IsNotEmpty() @MaxLength(5000)
  text!: string;

  /** Members to @mention; each must be able to read the conversation (else 422). */
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(50) @IsUUID('all', { each: true })
  mentionIds?: string[];
}

export class AssignDto {
  @IsUUID()
  assigneeId!: string;

  /** Stored as an internal note in the conversation and on the assignment; never sent to the customer. */
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class MessagesQueryDto extends PageQueryDto {
  /** The `nextCursor` of the previous page. */
  @IsOptional() @IsString() @MaxLength(512)
  before?: string;
}
