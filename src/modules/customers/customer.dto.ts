import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CustomerProfilePatchDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) name?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 254 }) @IsOptional() @IsString() @MaxLength(254) email?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 20 }) @IsOptional() @IsString() @MaxLength(20) birthday?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) idNumber?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) bankCard?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 }) @IsOptional() @IsString() @MaxLength(5000) note?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) @IsOptional() @IsObject() custom?: Record<string, unknown> | null;
}

export class UpdateCustomerDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  displayName?: string;

  /** Only the fields to change. */
  @ApiPropertyOptional({ type: () => CustomerProfilePatchDto, description: 'Only the fields to change' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CustomerProfilePatchDto)
  profile?: CustomerProfilePatchDto;
}

export class CustomerTagsDto {
  @ApiProperty({ type: [String], maxItems: 100, description: 'The complete new set of tags (each at most 50 characters)' })
  @IsArray() @ArrayMaxSize(100)
  @Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value))
  @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(50, { each: true })
  tags!: string[];
}

export class CustomerQueryDto {
  /** `true` unmasks phone, ID number and bank card (needs customer.sensitive.view; audited). */
  @ApiPropertyOptional({ type: Boolean, description: '`true` unmasks phone, ID number and bank card (needs customer.sensitive.view; audited)' })
  @IsOptional() @Transform(({ value }) => value === 'true' || value === true)
  reveal?: boolean;
}
