import { Global, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'crypto';
import { appConfig } from '../../infra/config/app.config';
import { AccessGuard } from './access.guard';
import { AccessPolicy } from './access.policy';
import { ConversationFactsRepository } from './conversation-facts.repository';
import { DirectoryInvalidationSubscriber } from './directory-invalidation.subscriber';
import { OrgDirectory } from './org-directory';
import { TokenService } from './token.service';
import { ViewerRepository } from './viewer.repository';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        // A KeyObject, not the string: jsonwebtoken first tries a string as a PEM public key and
        // catches the failure, ~0.3 ms per verification (every request and socket handshake).
        secret: createSecretKey(Buffer.from(cfg.jwt.secret, 'utf8')),
        signOptions: { expiresIn: cfg.jwt.expiresIn as `${number}h`, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [AccessPolicy, ConversationFactsRepository, ViewerRepository, OrgDirectory, DirectoryInvalidationSubscriber, TokenService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AccessPolicy, ConversationFactsRepository, ViewerRepository, OrgDirectory, TokenService],
})
export class AccessModule {}
