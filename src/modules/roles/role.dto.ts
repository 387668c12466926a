import { ArrayUnique, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { ALL_PERMISSIONS, NotificationChannel, Permission } from '../access/permissions';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateRoleDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @IsArray() @ArrayUnique() @IsIn(ALL_PERMISSIONS, { each: true, message: 'each permission must be one of GET /api/v1/permissions' })
  permissions!: Permission[];

  /** Channels per notification event type, e.g. `{"customer.bound": ["web","email"]}`. */
  @IsOptional() @IsObject()
  notifications?: Record<string, NotificationChannel[]>;
}

export class UpdateRoleDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @IsOptional() @IsArray() @ArrayUnique() @IsIn(ALL_PERMISSIONS, { each: true, message: 'each permission must be one of GET /api/v1/permissions' })
  permissions?: Permission[];

  @IsOptional() @IsObject()
  notifications?: Record<string, NotificationChannel[]>;
}

export interface RoleView {
  id: string;
  name: string;
  permissions: string[];
  builtin: boolean;
  builtinKey: 'administrator' | 'supervisor' | 'agent' | null;
  notifications: Record<string, NotificationChannel[]>;
}
