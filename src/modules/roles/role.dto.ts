import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ALL_PERMISSIONS, NotificationChannel, Permission } from '../access/permissions';
import { HH_MM } from '../governance/send-window';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SendWindowDto {
  @ApiProperty({ type: [Number], description: 'ISO weekdays: 1 = Monday … 7 = Sunday', example: [1, 2, 3, 4, 5] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true })
  days!: number[];

  @ApiProperty({ example: '09:00', description: 'Local start (HH:MM, org time zone)' })
  @IsString() @Matches(HH_MM, { message: 'from must be HH:MM' })
  from!: string;

  @ApiProperty({ example: '18:00', description: 'Local end (HH:MM, exclusive); earlier than from = overnight' })
  @IsString() @Matches(HH_MM, { message: 'to must be HH:MM' })
  to!: string;
}

export class CreateRoleDto {
  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true, description: 'Keys from GET /api/v1/permissions' })
  @IsArray() @ArrayUnique() @IsIn(ALL_PERMISSIONS, { each: true, message: 'each permission must be one of GET /api/v1/permissions' })
  permissions!: Permission[];

  /** Channels per notification event type, e.g. `{"customer.bound": ["web","email"]}`. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string', enum: ['web', 'email', 'push'] } }, example: { 'customer.bound': ['web', 'email'] } })
  @IsOptional() @IsObject()
  notifications?: Record<string, NotificationChannel[]>;

  /** Routed work stops at this many open assigned conversations per member; null = unlimited (docs/routing.md). */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100000, nullable: true, description: 'Routed work stops at this many open assigned conversations per member; null = unlimited' })
  @IsOptional() @IsInt() @Min(0) @Max(100000)
  maxOpenConversations?: number | null;

  /** Replies to customers only within this weekly window, in the org's time zone; null = any time (docs/governance.md). */
  @ApiPropertyOptional({ type: () => SendWindowDto, nullable: true })
  @IsOptional() @ValidateNested() @Type(() => SendWindowDto)
  sendWindow?: SendWindowDto | null;
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: ALL_PERMISSIONS, isArray: true, description: 'Keys from GET /api/v1/permissions' })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(ALL_PERMISSIONS, { each: true, message: 'each permission must be one of GET /api/v1/permissions' })
  permissions?: Permission[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string', enum: ['web', 'email', 'push'] } }, example: { 'customer.bound': ['web', 'email'] } })
  @IsOptional() @IsObject()
  notifications?: Record<string, NotificationChannel[]>;

  /** Routed work stops at this many open assigned conversations per member; null = unlimited (docs/routing.md). */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100000, nullable: true, description: 'Routed work stops at this many open assigned conversations per member; null = unlimited' })
  @IsOptional() @IsInt() @Min(0) @Max(100000)
  maxOpenConversations?: number | null;

  /** Replies to customers only within this weekly window, in the org's time zone; null = any time (docs/governance.md). */
  @ApiPropertyOptional({ type: () => SendWindowDto, nullable: true })
  @IsOptional() @ValidateNested() @Type(() => SendWindowDto)
  sendWindow?: SendWindowDto | null;
}

export interface RoleView {
  id: string;
  name: string;
  permissions: string[];
  builtin: boolean;
  builtinKey: 'administrator' | 'supervisor' | 'agent' | null;
  notifications: Record<string, NotificationChannel[]>;
  maxOpenConversations: number | null;
  sendWindow: SendWindowDto | null;
}
