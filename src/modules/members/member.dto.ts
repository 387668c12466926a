import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateMemberDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(lower) @IsEmail() @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 })
  @IsString() @MinLength(8) @MaxLength(200)
  password!: string;

  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  displayName!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  roleId!: string;

  /** Channel scope: the accounts this member works; empty or absent = all. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 100, description: 'Channel scope: the accounts this member works; empty or absent = all' })
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(100) @IsUUID('all', { each: true })
  channelAccountIds?: string[];
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ format: 'email', maxLength: 254 })
  @IsOptional() @Transform(lower) @IsEmail() @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ format: 'password', minLength: 8, maxLength: 200 })
  @IsOptional() @IsString() @MinLength(8) @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  roleId?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 100, description: 'Channel scope: the accounts this member works; empty or absent = all' })
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(100) @IsUUID('all', { each: true })
  channelAccountIds?: string[];
}

export class ListMembersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  roleId?: string;

  @ApiPropertyOptional({ enum: ['active', 'deactivated'] })
  @IsOptional() @IsIn(['active', 'deactivated'])
  status?: 'active' | 'deactivated';
}

export interface MemberView {
  id: string;
  email: string;
  displayName: string;
  unitId: string;
  roleId: string;
  status: 'active' | 'deactivated';
  channelAccountIds: string[];
  createdAt: string;
  /** GET /members and GET /members/:id (docs/routing.md). */
  presence?: 'available' | 'away' | 'offline';
}

export class DeactivateMemberDto {
  /** Receives the leaver's bound customers and open conversations. */
  @ApiProperty({ format: 'uuid', description: "Receives the leaver's bound customers and open conversations" })
  @IsUUID()
  handoverMemberId!: string;
}
