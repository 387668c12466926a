import { Body, Controller, Get, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../infra/http/openapi';
import { CurrentViewer, Public, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CredentialThrottlerGuard } from '../auth/credential-throttler.guard';
import { SignupDto, UpdateOrgDto } from './org.dto';
import { OrgDto, SignupResponseDto } from './org.responses';
import { OrgsService } from './orgs.service';

@ApiTags('orgs')
@Controller()
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Post('orgs')
  @ApiOperation({ summary: 'Sign up: create an org, its root unit and its first administrator' })
  @ApiCreatedResponse({ type: SignupResponseDto })
  @ApiErrors(403, 409, 429)
  @Public()
  @UseGuards(CredentialThrottlerGuard)
  signup(@Body() dto: SignupDto) {
    return this.orgs.signup(dto);
  }

  @Get('org')
  @ApiOperation({ summary: 'Get the org and its settings' })
  @ApiOkResponse({ type: OrgDto })
  @ApiErrors(403)
  @ApiBearerAuth()
  @RequirePermissions(Permission.OrgManage)
  get(@CurrentViewer() viewer: Viewer) {
    return this.orgs.get(viewer);
  }

  @Patch('org')
  @ApiOperation({ summary: "Rename the org or change its settings" })
  @ApiOkResponse({ type: OrgDto })
  @ApiErrors(403, 422)
  @ApiBearerAuth()
  @RequirePermissions(Permission.OrgManage)
  update(@CurrentViewer() viewer: Viewer, @Body() dto: UpdateOrgDto) {
    return this.orgs.update(viewer, dto);
  }
}
