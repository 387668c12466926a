import { Global, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { appConfig } from '../../infra/config/app.config';
import { AccessGuard } from './access.guard';
import { AccessPolicy } from './access.policy';
import { ConversationFactsRepository } from './conversation-facts.repository';
import { TokenService } from './token.service';
import { ViewerRepository } from './viewer.repository';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        secret: cfg.jwt.secret,
        signOptions: { expiresIn: cfg.jwt.expiresIn as `${number}h` },
      }),
    }),
  ],
  providers: [AccessPolicy, ConversationFactsRepository, ViewerRepository, TokenService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AccessPolicy, ConversationFactsRepository, ViewerRepository, TokenService],
})
export class AccessModule {}
