import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'sealed.';
const REFERENCE_PREFIX = 'ref.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A contact's entity key is its phone number and a lead's is `email:<address>`: a link to their
 * entity page would put personal data in URLs, browser history and proxy logs. Search results carry
 * such keys sealed (AES-256-GCM, keyed from OPS_TOKEN) and the entity page opens them, so links
 * reveal nothing and cannot be forged. A new token invalidates old links, which is harmless:
 * a person searches again.
 */
export class EntityKeySeal {
  private readonly key: Buffer;
  private readonly referenceKey: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'switchyard-ops', 'entity-key-seal', 32));
    this.referenceKey = Buffer.from(hkdfSync('sha256', secret, 'switchyard-ops', 'entity-key-reference', 32));
  }

  /**
   * The same short text for the same key every time (a keyed hash), from which the key cannot be
   * read: how the audit trail names a contact or lead without writing their phone or email down,
   * while two entries about one person still share it.
   */
  reference(key: string): string {
    return REFERENCE_PREFIX + createHmac('sha256', this.referenceKey).update(key, 'utf8').digest('base64url').slice(0, 22);
  }

  static isSealed(key: string): boolean {
    return key.startsWith(PREFIX);
  }

  seal(key: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(key, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The key, or null when the text was not sealed by this server (edited, or sealed with another token). */
  open(sealed: string): string | null {
    if (!EntityKeySeal.isSealed(sealed)) return null;
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
