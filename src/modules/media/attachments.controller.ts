import { Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiExcludeController, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'stream/promises';
import { ApiErrors } from '../../infra/http/openapi';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { CurrentViewer, Public, RequirePermissions } from '../access/access.decorators';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AttachmentView } from './attachment.view';
import { AttachmentResponseDto } from './attachments.dto';
import { AttachmentsService, MediaAnswer } from './attachments.service';

async function send(res: Response, answer: MediaAnswer): Promise<void> {
  res.status(answer.status).set(answer.headers);
  if (answer.status === 416) {
    res.json({ statusCode: 416, error: 'Range Not Satisfiable', message: `The range is outside the ${answer.headers['Content-Range'].split('/')[1]} bytes of this attachment` });
    return;
  }
  if (res.req.method === 'HEAD') {
    answer.body.destroy();
    res.end();
    return;
  }
  // A client that goes away mid-file ends the read (no error to answer: the headers are sent).
  await pipeline(answer.body, res).catch(() => undefined);
}

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @RequirePermissions(Permission.ConversationReply)
  @ApiOperation({ summary: 'Upload a file to send (multipart `file`): images, video/mp4, audio, application/pdf; ATTACHMENT_MAX_BYTES' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: AttachmentResponseDto })
  @ApiErrors(400, 401, 403, 413, 415)
  upload(@CurrentViewer() viewer: Viewer, @Req() req: Request): Promise<AttachmentView> {
    return this.attachments.upload(viewer, req);
  }

  @Get(':id')
  @RequirePermissions(Permission.InboxAccess)
  @ApiOperation({ summary: 'The attachment’s bytes (Range requests answer 206; readable iff its conversation is readable and its message not redacted for you)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The bytes, with their content-type', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(401, 403, 404)
  async read(@CurrentViewer() viewer: Viewer, @Param('id', UuidParamPipe) id: string, @Headers('range') range: string | undefined, @Res() res: Response): Promise<void> {
    await send(res, await this.attachments.read(viewer, id, range));
  }
}

/** `PUBLIC_URL/media/<token>`: what providers fetch outbound media from (signed, expiring, no login). */
@ApiExcludeController()
@Controller('media')
export class PublicMediaController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get(':token')
  @Public()
  async read(@Param('token') token: string, @Headers('range') range: string | undefined, @Res() res: Response): Promise<void> {
    await send(res, await this.attachments.readByToken(token, range));
  }
}
