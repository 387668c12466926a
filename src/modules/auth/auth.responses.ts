import { ApiProperty } from '@nestjs/swagger';
import { ALL_PERMISSIONS, FOLDERS } from '../access/permissions';
import { MemberDto } from '../members/member.responses';
import { RoleDto } from '../roles/role.responses';
import { UnitDto } from '../units/unit.responses';

export class LoginResponseDto {
  @ApiProperty({ description: 'Bearer token for REST (`Authorization: Bearer …`) and the socket handshake (`auth: { token }`)' })
  accessToken!: string;
  @ApiProperty({ type: () => MemberDto }) member!: MemberDto;
}

export class MeDto {
  @ApiProperty({ type: () => MemberDto }) member!: MemberDto;
  @ApiProperty({ type: () => UnitDto }) unit!: UnitDto;
  @ApiProperty({ type: () => RoleDto }) role!: RoleDto;
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true, description: 'Effective permissions' }) permissions!: string[];
  @ApiProperty({ enum: FOLDERS, isArray: true, description: 'The folders this member may open, in display order' }) folders!: string[];
}

export class PermissionInfoDto {
  @ApiProperty({ enum: ALL_PERMISSIONS }) key!: string;
  @ApiProperty({ enum: ['inbox', 'folder', 'conversation', 'customer', 'binding', 'admin', 'feature'] }) group!: string;
  @ApiProperty() description!: string;
}

export class PermissionCatalogDto {
  @ApiProperty({ type: () => [PermissionInfoDto] }) items!: PermissionInfoDto[];
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true, description: 'Just the keys' }) permissions!: string[];
}
