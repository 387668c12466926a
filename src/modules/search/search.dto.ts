import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { FOLDERS } from '../access/permissions';

export class SearchQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'Substring to find (case-insensitive; Chinese needs no word breaks)', example: '北屯' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @IsNotEmpty() @MaxLength(200)
  q!: string;

  @ApiPropertyOptional({ enum: FOLDERS, description: 'Only conversations in this folder of yours' })
  @IsOptional() @IsIn(FOLDERS)
  folder?: (typeof FOLDERS)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

export class SearchHitView {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Conversation summary (as in folder listings)' })
  conversation!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: "The conversation's newest message or note containing q that you may read in full; null when the customer's name matched",
  })
  message!: Record<string, unknown> | null;

  @ApiProperty({ description: 'Excerpt around the match (message text or customer name)' })
  snippet!: string;
}

export class SearchPage {
  @ApiProperty({ type: [SearchHitView] }) items!: SearchHitView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
