import { Provider } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../../infra/config/app.config';
import { FsStorage } from './fs-storage';
import { OBJECT_STORAGE, ObjectStorage } from './object-storage';
import { S3Storage } from './s3-storage';

/** STORAGE_DRIVER picks the driver once at boot. */
export const storageProvider: Provider = {
  provide: OBJECT_STORAGE,
  inject: [appConfig.KEY],
  useFactory: (cfg: ConfigType<typeof appConfig>): ObjectStorage => (cfg.media.driver === 's3' ? new S3Storage(cfg.media.s3) : new FsStorage(cfg.media.dir)),
};
