import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';
import { ALL_PERMISSIONS } from '../access/permissions';

/** 30 days: a grant is temporary by definition; standing access belongs in a role. */
export const MAX_GRANT_MINUTES = 43_200;
/** One second: short grants are how a drill (or a test) watches one expire. */
export const MIN_GRANT_MINUTES = 1 / 60;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateGrantDto {
  @ApiProperty({ format: 'uuid', description: 'The member who receives the permissions (in your unit or below)' })
  @IsUUID()
  memberId!: string;

  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true, description: 'Permissions you hold yourself' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(64) @IsIn(ALL_PERMISSIONS, { each: true })
  permissions!: string[];

  @ApiProperty({ minimum: MIN_GRANT_MINUTES, maximum: MAX_GRANT_MINUTES, description: 'Minutes; fractions allowed (0.5 = 30 s)' })
  @IsNumber({ maxDecimalPlaces: 4, allowNaN: false, allowInfinity: false }) @Min(MIN_GRANT_MINUTES) @Max(MAX_GRANT_MINUTES)
  durationMinutes!: number;

  @ApiProperty({ maxLength: 500 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(500)
  reason!: string;
}

export class ListGrantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  memberId?: string;

  @ApiPropertyOptional({ description: 'Only grants in force now' })
  @IsOptional() @Transform(({ value }) => value === true || value === 'true' || value === '1') @IsBoolean()
  active?: boolean;
}

export class GrantView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true }) permissions!: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) issuedById!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) accessRequestId!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) revokedById!: string | null;
  @ApiProperty({ description: 'In force now: neither revoked nor expired' }) active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class GrantPage {
  @ApiProperty({ type: [GrantView] }) items!: GrantView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreateAccessRequestDto {
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(64) @IsIn(ALL_PERMISSIONS, { each: true })
  permissions!: string[];

  @ApiProperty({ minimum: MIN_GRANT_MINUTES, maximum: MAX_GRANT_MINUTES, description: 'Minutes; fractions allowed (0.5 = 30 s)' })
  @IsNumber({ maxDecimalPlaces: 4, allowNaN: false, allowInfinity: false }) @Min(MIN_GRANT_MINUTES) @Max(MAX_GRANT_MINUTES)
  durationMinutes!: number;

  @ApiProperty({ maxLength: 500 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The conversation the access is needed for' })
  @IsOptional() @IsUUID()
  conversationId?: string;
}

export class ListAccessRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'denied'] })
  @IsOptional() @IsIn(['pending', 'approved', 'denied'])
  status?: 'pending' | 'approved' | 'denied';
}

export class AccessRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true }) permissions!: string[];
  @ApiProperty() durationMinutes!: number;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) conversationId!: string | null;
  @ApiProperty({ enum: ['pending', 'approved', 'denied'] }) status!: 'pending' | 'approved' | 'denied';
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedById!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) grantId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AccessRequestPage {
  @ApiProperty({ type: [AccessRequestView] }) items!: AccessRequestView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DecideAccessRequestDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(500)
  note?: string;
}

