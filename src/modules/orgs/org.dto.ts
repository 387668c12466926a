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
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @Transform(lower) @IsEmail() @MaxLength(254)
  adminEmail!: string;

  @IsString() @MinLength(8) @MaxLength(200)
  adminPassword!: string;

  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  adminName!: string;

  /** Name of the level-1 unit (e.g. 總公司含客服); defaults to the org name. */
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  rootUnitName?: string;
}

export class OrgSettingsDto {
  @IsOptional() @IsInt() @Min(1) @Max(30 * 24 * 3600)
  transferTimeoutSeconds?: number;

  @IsOptional() @IsString() @Validate(IanaTimeZone)
  timezone?: string;

  @IsOptional() @IsInt() @Min(1) @Max(10)
  maxUnitDepth?: number;
}

export class UpdateOrgDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => OrgSettingsDto)
  settings?: OrgSettingsDto;
}

export interface OrgView {
  id: string;
  name: string;
  rootUnitId: string;
  settings: { transferTimeoutSeconds: number; timezone: string; maxUnitDepth: number };
}
