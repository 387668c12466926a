import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { MemberDto } from '../members/member.responses';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 })
  @IsString() @MinLength(8) @MaxLength(200)
  newPassword!: string;
}

export class ChangePasswordResponse {
  @ApiProperty({ description: 'This session keeps working; a fresh token is returned as well. Every other token is revoked.' })
  accessToken!: string;
}

export class CreateInvitationDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(lower) @IsEmail() @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  roleId!: string;
}

export class InvitationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ format: 'uuid' }) roleId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) invitedById!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acceptedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationResendResponse {
  @ApiProperty({ type: () => InvitationView, description: 'The invitation, valid 7 days from now again' }) invitation!: InvitationView;
  @ApiProperty({ enum: ['email', 'link'], description: '`email`: the link was emailed to the invitee again; `link`: the server has no mailer (SMTP_URL), share `acceptUrl` yourself' })
  delivery!: 'email' | 'link';
  @ApiProperty({ type: String, nullable: true, description: 'The accept link, only when the server has no mailer' }) acceptUrl!: string | null;
}

export class AcceptInvitationDto {
  @ApiProperty({ maxLength: 100 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  displayName!: string;

  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 })
  @IsString() @MinLength(8) @MaxLength(200)
  password!: string;
}

export class AcceptInvitationResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ type: () => MemberDto }) member!: MemberDto;
}
