import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app.config';

@Global()
@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [appConfig], cache: true })],
  exports: [ConfigModule],
})
export class AppConfigModule {}
