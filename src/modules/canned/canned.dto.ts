import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** What an agent types after `/`: no whitespace, no slash. */
const SHORTCODE = /^[^\s/]{1,50}$/u;

export class CreateCannedResponseDto {
  @ApiProperty({ maxLength: 50, example: 'hours', description: 'Typed after "/" in the composer; unique per unit (case-insensitive)' })
  @Transform(trim) @IsString() @Matches(SHORTCODE, { message: 'shortcode must be 1–50 characters without spaces or "/"' })
  shortcode!: string;

  @ApiProperty({ maxLength: 200, example: '營業時間' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  title!: string;

  @ApiProperty({ maxLength: 5000, example: '台中北屯門市營業時間為每日 10:00–21:00' })
  @IsString() @IsNotEmpty() @MaxLength(5000)
  text!: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'Unit it belongs to (yours or below); null or absent = org-wide (needs org.manage)' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID()
  unitId?: string | null;
}

export class UpdateCannedResponseDto {
  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional() @Transform(trim) @IsString() @Matches(SHORTCODE, { message: 'shortcode must be 1–50 characters without spaces or "/"' })
  shortcode?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(5000)
  text?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'Move to another unit of your subtree; null = org-wide (needs org.manage)' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID()
  unitId?: string | null;
}

export class CannedQueryDto {
  @ApiPropertyOptional({ maxLength: 50, description: 'Shortcode or title prefix (case-insensitive)' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(50)
  q?: string;

  @ApiPropertyOptional({
    description: 'true: the responses you may edit (your unit and below; org-wide ones with org.manage) instead of the ones offered to you',
  })
  @IsOptional() @Transform(({ value }) => value === true || value === 'true' || value === '1') @IsBoolean()
  manageable?: boolean;
}

export class CannedResponseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() shortcode!: string;
  @ApiProperty() title!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null = org-wide' }) unitId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CannedResponseList {
  @ApiProperty({ type: [CannedResponseView] }) items!: CannedResponseView[];
}
