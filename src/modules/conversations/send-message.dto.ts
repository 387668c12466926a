import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class SendMessageDto {
  /** Plain text; each channel's own limit applies (LINE 5,000, Messenger 2,000, Instagram 1,000 bytes, WhatsApp 4,096). */
  @IsString() @IsNotEmpty() @MaxLength(5000)
  text!: string;
}
