import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentViewer, Public } from '../access/access.decorators';
import type { Viewer } from '../access/viewer';
import { LoginDto } from './auth.dto';
import { AuthService } from './auth.service';
import { CredentialThrottlerGuard } from './credential-throttler.guard';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @UseGuards(CredentialThrottlerGuard)
  login(@Body() dto: LoginDto) {
    return this.auth.login(dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @Authenticated()
  me(@CurrentViewer() viewer: Viewer) {
    return this.auth.me(viewer);
  }

  @Get('permissions')
  @ApiBearerAuth()
  @Authenticated()
  permissions() {
    return this.auth.catalog();
  }
}
