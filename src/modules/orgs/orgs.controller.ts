import { Body, Controller, Get, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentViewer, Public, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CredentialThrottlerGuard } from '../auth/credential-throttler.guard';
import { SignupDto, UpdateOrgDto } from './org.dto';
import { OrgsService } from './orgs.service';

@ApiTags('orgs')
@Controller()
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Post('orgs')
  @Public()
  @UseGuards(CredentialThrottlerGuard)
  signup(@Body() dto: SignupDto) {
    return this.orgs.signup(dto);
  }

  @Get('org')
  @ApiBearerAuth()
  @RequirePermissions(Permission.OrgManage)
  get(@CurrentViewer() viewer: Viewer) {
    return this.orgs.get(viewer);
  }

  @Patch('org')
  @ApiBearerAuth()
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Body() dto: UpdateOrgDto) {
    return this.orgs.update(viewer, dto);
  }
}
