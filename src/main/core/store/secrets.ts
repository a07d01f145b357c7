import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/contract/result'

const MAGIC = Buffer.from('GHS1')

/**
 * Secrets Gatehouse holds (the ledger's signing key, the SMTP password, IdP secrets) are sealed
 * with a key derived from the store key before they are written: on PostgreSQL a database
 * administrator reads only ciphertext; on SQLite they sit inside the encrypted file as well.
 */
export function secretBox(storeKey: Buffer): {
  seal: (plain: Buffer) => Buffer
  unseal: (stored: Buffer, options?: { legacyPlaintext?: boolean }) => Buffer
} {
  const key = Buffer.from(hkdfSync('sha256', storeKey, Buffer.alloc(0), 'gatehouse secrets v1', 32))
  return {
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain), cipher.final()])
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body])
    },
    unseal(stored, options = {}) {
      const bytes = Buffer.from(stored)
      // SQLite stores made before secrets were sealed kept them only inside the encrypted file.
      if (!bytes.subarray(0, 4).equals(MAGIC)) {
        if (options.legacyPlaintext === false) throw new AppError('INTERNAL', 'A secret in the store is not sealed with its key: it was written around Gatehouse.')
        return bytes
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(4, 16))
        decipher.setAuthTag(bytes.subarray(16, 32))
        return Buffer.concat([decipher.update(bytes.subarray(32)), decipher.final()])
      } catch {
        throw new AppError('INTERNAL', 'A secret in the store cannot be decrypted with its key: the store is damaged or was altered.')
      }
    }
  }
}
