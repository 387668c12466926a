import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CustomerProfilePatchDto {
  @IsOptional() @IsString() @MaxLength(200) name?: string | null;
  @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(254) email?: string | null;
  @IsOptional() @IsString() @MaxLength(20) birthday?: string | null;
  @IsOptional() @IsString() @MaxLength(50) idNumber?: string | null;
  @IsOptional() @IsString() @MaxLength(50) bankCard?: string | null;
  @IsOptional() @IsString() @MaxLength(5000) note?: string | null;
  @IsOptional() @IsObject() custom?: Record<string, unknown> | null;
}

export class UpdateCustomerDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  displayName?: string;

  /** Only the fields to change. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CustomerProfilePatchDto)
  profile?: CustomerProfilePatchDto;
}

export class CustomerTagsDto {
  @IsArray() @ArrayMaxSize(100)
  @Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value))
  @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(50, { each: true })
  tags!: string[];
}

export class CustomerQueryDto {
  /** `true` unmasks phone, ID number and bank card (needs customer.sensitive.view; audited). */
  @IsOptional() @Transform(({ value }) => value === 'true' || value === true)
  reveal?: boolean;
}
