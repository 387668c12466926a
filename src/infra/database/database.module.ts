import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig } from '../config/app.config';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({ ...dataSourceOptions(cfg.databaseUrl, { poolSize: cfg.databasePoolSize }), autoLoadEntities: false }),
    }),
  ],
})
export class DatabaseModule {}
