import { ForbiddenException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../infra/config/app.config';
import { AccessPolicy } from '../access/access.policy';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { BindingRepository } from './binding.repository';
import { BindingLinkRepository, BindingLinkRow } from './binding-link.repository';
import { bindingPostback, bindingText, newBindingToken } from './binding-token';
import { DeepLinks, deepLinks } from './deep-links';
import { QrRenderer } from './qr-renderer';

export interface BindingLinkView {
  id: string;
  unitId: string;
  memberId: string | null;
  channelAccountId: string;
  token: string;
  /** What the customer sends to bind (a QR code or link pre-fills it). */
  text: string;
  /** Postback payload carrying the same token (rich menus, buttons). */
  postback: string;
  url: string;
  /** Links opening the chat with the token (LINE, Messenger, Instagram, WhatsApp); the QR code encodes this channel's one when there is one. */
  deepLinks: DeepLinks;
  createdAt: string;
  revokedAt: string | null;
}

/** Binding QR codes and links (`binding.link`, for the member's own unit or below). */
@Injectable()
export class BindingLinksService {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly uow: UnitOfWork,
    private readonly links: BindingLinkRepository,
    private readonly bindings: BindingRepository,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
    private readonly qr: QrRenderer,
  ) {}

  view(l: BindingLinkRow): BindingLinkView {
    return {
      id: l.id,
      unitId: l.unit_id,
      memberId: l.member_id,
      channelAccountId: l.channel_account_id,
      token: l.token,
      text: bindingText(l.token, l.unit_name),
      postback: bindingPostback(l.token),
      url: `${this.cfg.publicUrl}/bind/${l.token}`,
      deepLinks: deepLinks(
        { type: l.channel_type, externalId: l.channel_external_id, basicId: l.channel_basic_id, username: l.channel_username, phoneNumber: l.channel_phone_number },
        l.token,
        bindingText(l.token, l.unit_name),
      ),
      createdAt: new Date(l.created_at).toISOString(),
      revokedAt: l.revoked_at ? new Date(l.revoked_at).toISOString() : null,
    };
  }

  async create(viewer: Viewer, unitId: string, channelAccountId: string, memberId: string | undefined): Promise<BindingLinkView & { qrPng: string; qrSvg: string }> {
    const id = await this.uow.run(async () => {
      const unit = await this.bindings.unit(viewer.orgId, unitId);
      if (!unit) throw new NotFoundException('Unit not found');
      if (!this.policy.coversUnit(viewer, unit.path)) throw new ForbiddenException('Binding links can be made for your own unit or below');
      if (!(await this.bindings.channelAccountExists(viewer.orgId, channelAccountId))) {
        throw new UnprocessableEntityException('channelAccountId does not name a channel account of this organisation');
      }
      if (memberId && (await this.bindings.activeMemberUnit(viewer.orgId, memberId)) !== unitId) {
        throw new UnprocessableEntityException('memberId must be an active member of that unit');
      }
      const token = newBindingToken();
      const linkId = await this.links.insert(viewer.orgId, { unitId, memberId: memberId ?? null, channelAccountId, token, createdById: viewer.memberId });
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'binding_link.created', targetType: 'binding_link', targetId: linkId, after: { unitId, memberId: memberId ?? null, channelAccountId } });
      return linkId;
    });
    const view = this.view((await this.links.findById(viewer.orgId, id))!);
    const qr = await this.qr.render(Object.values(view.deepLinks)[0] ?? view.url);
    return { ...view, qrPng: qr.png, qrSvg: qr.svg };
  }

  async list(viewer: Viewer, unitId: string): Promise<{ items: BindingLinkView[] }> {
    const unit = await this.bindings.unit(viewer.orgId, unitId);
    if (!unit) throw new NotFoundException('Unit not found');
    if (!this.policy.coversUnit(viewer, unit.path)) throw new ForbiddenException('Binding links can be seen for your own unit or below');
    return { items: (await this.links.listForUnit(viewer.orgId, unitId)).map((l) => this.view(l)) };
  }

  async revoke(viewer: Viewer, id: string): Promise<void> {
    const link = await this.links.findById(viewer.orgId, id);
    if (!link) throw new NotFoundException('Binding link not found');
    if (!this.policy.coversUnit(viewer, link.unit_path)) throw new ForbiddenException('Binding links can be revoked for your own unit or below');
    await this.uow.run(async () => {
      await this.links.revoke(viewer.orgId, id);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'binding_link.revoked', targetType: 'binding_link', targetId: id });
    });
  }

  /** The public landing page behind a link's URL / QR code: the text to send, nothing secret. */
  async landing(token: string): Promise<string | null> {
    const link = await this.links.findLiveByToken(token.toUpperCase());
    if (!link) return null;
    const text = bindingText(link.token, link.unit_name);
    const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
    return `<!doctype html><html lang="zh-Hant"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>綁定 ${esc(link.unit_name)}</title><body style="font-family:sans-serif;max-width:32rem;margin:2rem auto">
<h1>與「${esc(link.unit_name)}」綁定</h1><p>請在聊天視窗傳送以下訊息 / Send this message in the chat:</p>
<pre style="font-size:1.2rem;padding:1rem;background:#f3f3f3">${esc(text)}</pre></body></html>`;
  }
}
