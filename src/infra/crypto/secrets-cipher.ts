import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';
import { appConfig } from '../config/app.config';

const VERSION = 'v1';

/** AES-256-GCM with SECRETS_KEY for provider secrets at rest: `v1:<iv>:<tag>:<ciphertext>` (base64). */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, ct] = sealed.split(':');
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error('Unrecognised secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
}

@Injectable()
export class SecretsCipher {
  constructor(@Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>) {}

  encrypt(plaintext: string): string {
    return encryptSecret(this.cfg.secretsKey, plaintext);
  }

  decrypt(sealed: string): string {
    return decryptSecret(this.cfg.secretsKey, sealed);
  }
}
