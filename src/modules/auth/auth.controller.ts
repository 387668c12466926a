import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../infra/http/openapi';
import { Authenticated, CurrentViewer, Public } from '../access/access.decorators';
import type { Viewer } from '../access/viewer';
import { LoginDto } from './auth.dto';
import { LoginResponseDto, MeDto, PermissionCatalogDto } from './auth.responses';
import { AuthService } from './auth.service';
import { CredentialThrottlerGuard } from './credential-throttler.guard';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password; returns the bearer token' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(401, 429)
  @Public()
  @UseGuards(CredentialThrottlerGuard)
  login(@Body() dto: LoginDto) {
    return this.auth.login(dto);
  }

  @Get('me')
  @ApiOperation({ summary: 'Who I am: member, unit, role, effective permissions and folders' })
  @ApiOkResponse({ type: MeDto })
  @ApiBearerAuth()
  @Authenticated()
  me(@CurrentViewer() viewer: Viewer) {
    return this.auth.me(viewer);
  }

  @Get('permissions')
  @ApiOperation({ summary: 'The permission catalog' })
  @ApiOkResponse({ type: PermissionCatalogDto })
  @ApiBearerAuth()
  @Authenticated()
  permissions() {
    return this.auth.catalog();
  }
}
