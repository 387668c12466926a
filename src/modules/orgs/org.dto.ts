import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

@ValidatorConstraint({ name: 'ianaTimeZone' })
class IanaTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'timezone must be an IANA time zone such as Asia/Taipei';
  }
}

export class SignupDto {
  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(lower) @IsEmail() @MaxLength(254)
  adminEmail!: string;

  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 })
  @IsString() @MinLength(8) @MaxLength(200)
  adminPassword!: string;

  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  adminName!: string;

  /** Name of the level-1 unit (e.g. 總公司含客服); defaults to the org name. */
  @ApiPropertyOptional({ maxLength: 100, description: 'Name of the level-1 unit; defaults to the org name' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  rootUnitName?: string;
}

export class OrgSettingsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2592000 })
  @IsOptional() @IsInt() @Min(1) @Max(30 * 24 * 3600)
  transferTimeoutSeconds?: number;

  @ApiPropertyOptional({ example: 'Asia/Taipei', description: 'IANA time zone' })
  @IsOptional() @IsString() @Validate(IanaTimeZone)
  timezone?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10 })
  @IsOptional() @IsInt() @Min(1) @Max(10)
  maxUnitDepth?: number;

  /** Seconds without any socket before a member is offline (docs/routing.md). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 86400, description: 'Seconds without any socket before a member is offline' })
  @IsOptional() @IsInt() @Min(1) @Max(24 * 3600)
  presenceGraceSeconds?: number;

  /** An assignee offline this long loses their open conversations, which are routed again; null = never. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 2592000, nullable: true, description: 'An assignee offline this long loses their open conversations; null = never' })
  @IsOptional() @IsInt() @Min(1) @Max(30 * 24 * 3600)
  requeueOfflineAfterSeconds?: number | null;

  /** Temporary grants one issuer may hand out per day (docs/governance.md). */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1000, description: 'Temporary grants one issuer may issue per day' })
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  grantQuotaPerDay?: number;

  /** Messages of done/trashed conversations older than this many days are deleted daily; null = keep forever. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 36500, nullable: true, description: 'Days to keep messages of done/trashed conversations; null = forever' })
  @IsOptional() @IsInt() @Min(1) @Max(36500)
  retentionDays?: number | null;
}

export class UpdateOrgDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: () => OrgSettingsDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgSettingsDto)
  settings?: OrgSettingsDto;
}

export interface OrgView {
  id: string;
  name: string;
  rootUnitId: string;
  settings: { transferTimeoutSeconds: number; timezone: string; maxUnitDepth: number; presenceGraceSeconds: number; requeueOfflineAfterSeconds: number | null; grantQuotaPerDay: number; retentionDays: number | null };
}
