import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CustomerDirectoryQueryDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'Substring of the display name; with customer.profile.view also of profile name, phone and email' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ maxLength: 50, description: 'Customers carrying this tag (needs customer.tags.view)' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  boundUnitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  channelAccountId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

export class DirectoryCustomerView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'uuid' }) channelAccountId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) boundUnitId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) boundMemberId!: string | null;
  @ApiProperty() followed!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'With customer.profile.view; sensitive fields masked' })
  profile?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'Which profile fields are masked' }) masked?: string[];
  @ApiPropertyOptional({ type: [String], description: 'With customer.tags.view' }) tags?: string[];
  @ApiProperty({ format: 'uuid', description: "The customer's conversation" }) conversationId!: string;
}

export class CustomerDirectoryPage {
  @ApiProperty({ type: [DirectoryCustomerView] }) items!: DirectoryCustomerView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
