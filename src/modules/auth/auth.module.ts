import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { appConfig } from '../../infra/config/app.config';
import { MembersModule } from '../members/members.module';
import { RolesModule } from '../roles/roles.module';
import { UnitsModule } from '../units/units.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { credentialThrottlers } from './credential-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** The Redis-backed throttle storage as a provider of its own, so it is one instance with a shutdown hook. */
@Module({ providers: [RedisThrottlerStorage], exports: [RedisThrottlerStorage] })
class ThrottlerStorageModule {}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [appConfig.KEY, RedisThrottlerStorage],
      useFactory: (cfg: ConfigType<typeof appConfig>, storage: RedisThrottlerStorage) => ({
        storage,
        throttlers: credentialThrottlers(cfg.loginThrottle),
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
