import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { appConfig } from '../../infra/config/app.config';
import { MembersModule } from '../members/members.module';
import { RolesModule } from '../roles/roles.module';
import { UnitsModule } from '../units/units.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({
        throttlers: [{ name: 'credentials', ttl: cfg.loginThrottle.ttlMs, limit: cfg.loginThrottle.limit }],
      }),
    }),
    MembersModule,
    UnitsModule,
    RolesModule,
  ],
  controllers: [AuthController],
  providers: [AuthService],
  exports: [ThrottlerModule],
})
export class AuthModule {}
