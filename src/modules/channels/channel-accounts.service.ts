import { ConflictException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../infra/config/app.config';
import { SecretsCipher } from '../../infra/crypto/secrets-cipher';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { UnitRepository } from '../units/unit.repository';
import { ChannelAccountView, CreateChannelAccountDto, UpdateChannelAccountDto } from './channel-account.dto';
import { ChannelAccountEntity } from './channel-account.entity';
import { ChannelAccountRepository } from './channel-account.repository';

@Injectable()
export class ChannelAccountsService {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly uow: UnitOfWork,
    private readonly accounts: ChannelAccountRepository,
    private readonly cipher: SecretsCipher,
    private readonly audit: AuditService,
    private readonly units: UnitRepository,
    private readonly conversations: ConversationRepository,
  ) {}

  /** Secrets never leave: the view has no secret fields at all. */
  view(a: ChannelAccountEntity): ChannelAccountView {
    return {
      id: a.id,
      type: a.type,
      name: a.name,
      externalId: a.externalId,
      webhookUrl: `${this.cfg.publicUrl}/webhooks/${a.type}/${a.id}`,
      routingUnitId: a.routingUnitId ?? null,
      basicId: a.basicId ?? null,
      username: a.username ?? null,
      phoneNumber: a.phoneNumber ?? null,
      createdAt: a.createdAt.toISOString(),
    };
  }

  async list(viewer: Viewer): Promise<{ items: ChannelAccountView[] }> {
    return { items: (await this.accounts.listAll(viewer.orgId)).map((a) => this.view(a)) };
  }

  async get(viewer: Viewer, id: string): Promise<ChannelAccountView> {
    const account = await this.accounts.findById(viewer.orgId, id);
    if (!account) throw new NotFoundException('Channel account not found');
    return this.view(account);
  }

  create(viewer: Viewer, dto: CreateChannelAccountDto): Promise<ChannelAccountView> {
    return this.uow.run(async () => {
      const account = await this.accounts
        .create(viewer.orgId, {
          type: dto.type,
          name: dto.name,
          externalId: dto.externalId,
          secretEnc: this.cipher.encrypt(dto.secret),
          accessTokenEnc: this.cipher.encrypt(dto.accessToken),
          verifyTokenEnc: dto.verifyToken ? this.cipher.encrypt(dto.verifyToken) : null,
        })
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw new ConflictException(`A ${dto.type} account with externalId ${dto.externalId} is already connected`);
          throw e;
        });
      const view = this.view(account);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'channel_account.created', targetType: 'channel_account', targetId: account.id, after: view });
      this.directoryChanged(viewer);
      return view;
    });
  }

  update(viewer: Viewer, id: string, dto: UpdateChannelAccountDto): Promise<ChannelAccountView> {
    return this.uow.run(async () => {
      const account = await this.accounts.lockById(viewer.orgId, id);
      if (!account) throw new NotFoundException('Channel account not found');
      const changes: Partial<ChannelAccountEntity> = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.secret !== undefined) changes.secretEnc = this.cipher.encrypt(dto.secret);
      if (dto.accessToken !== undefined) changes.accessTokenEnc = this.cipher.encrypt(dto.accessToken);
      if (dto.verifyToken !== undefined) changes.verifyTokenEnc = this.cipher.encrypt(dto.verifyToken);
      if (dto.routingUnitId !== undefined && dto.routingUnitId !== account.routingUnitId) {
        if (dto.routingUnitId !== null && !(await this.units.findById(viewer.orgId, dto.routingUnitId))) {
          throw new UnprocessableEntityException('routingUnitId does not name a unit of this organisation');
        }
        changes.routingUnitId = dto.routingUnitId;
      }
      for (const k of ['basicId', 'username', 'phoneNumber'] as const) if (dto[k] !== undefined) changes[k] = dto[k] || null;
      if (Object.keys(changes).length) await this.accounts.update(viewer.orgId, id, changes);
      // The home unit of the account's unbound, untransferred conversations follows (waiting ones are fanned out).
      if (changes.routingUnitId !== undefined) await this.conversations.refreshHomeForAccount(viewer.orgId, id, changes.routingUnitId);
      const after = this.view((await this.accounts.findById(viewer.orgId, id))!);
      const rotated = ['secret', 'accessToken', 'verifyToken'].filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
      await this.audit.record(viewer.orgId, {
        actorId: viewer.memberId,
        action: 'channel_account.updated',
        targetType: 'channel_account',
        targetId: id,
        before: this.view(account),
        after: { ...after, rotatedSecrets: rotated },
      });
      this.directoryChanged(viewer);
      return after;
    });
  }

  remove(viewer: Viewer, id: string): Promise<void> {
    return this.uow.run(async () => {
      const account = await this.accounts.lockById(viewer.orgId, id);
      if (!account) throw new NotFoundException('Channel account not found');
      const customers = await this.accounts.customerCount(viewer.orgId, id);
      if (customers > 0) throw new ConflictException(`Channel account still has ${customers} customer(s) and their conversations`);
      // An empty channel scope means every account: removing a member's only account would widen their access.
      const onlyHere = await this.accounts.membersScopedOnlyTo(viewer.orgId, id);
      if (onlyHere.length > 0) {
        throw new ConflictException(`Members ${onlyHere.join(', ')} are scoped to this channel account alone; change their channel scope first`);
      }
      await this.accounts.removeFromChannelScopes(viewer.orgId, id);
      await this.accounts.deleteById(viewer.orgId, id);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'channel_account.deleted', targetType: 'channel_account', targetId: id, before: this.view(account) });
      this.directoryChanged(viewer);
    });
  }

  private directoryChanged(viewer: Viewer): void {
    this.uow.record({ type: 'directory.changed', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: {} });
  }
}
