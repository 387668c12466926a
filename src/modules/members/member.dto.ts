import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../infra/http/pagination';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateMemberDto {
  @Transform(lower) @IsEmail() @MaxLength(254)
  email!: string;

  @IsString() @MinLength(8) @MaxLength(200)
  password!: string;

  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  displayName!: string;

  @IsUUID()
  unitId!: string;

  @IsUUID()
  roleId!: string;

  /** Channel scope: the accounts this member works; empty or absent = all. */
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(100) @IsUUID('all', { each: true })
  channelAccountIds?: string[];
}

export class UpdateMemberDto {
  @IsOptional() @Transform(lower) @IsEmail() @MaxLength(254)
  email?: string;

  @IsOptional() @IsString() @MinLength(8) @MaxLength(200)
  password?: string;

  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  displayName?: string;

  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsUUID()
  roleId?: string;

  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(100) @IsUUID('all', { each: true })
  channelAccountIds?: string[];
}

export class ListMembersQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsUUID()
  roleId?: string;

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
}

export class DeactivateMemberDto {
  /** Receives the leaver's bound customers and open conversations. */
  @IsUUID()
  handoverMemberId!: string;
}
