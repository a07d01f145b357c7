import { existsSync } from 'node:fs'
import { writeHeadFile } from '../store/head-file'
import type { Ledger } from './ledger'

/** How long after a commit the head beside the database is rewritten (commits in between coalesce). */
const WRITE_DELAY_MS = 200

/**
 * Keeps gatehouse.head (the newest tree head, signed) beside the SQLite file, written after
 * commits: a WAL that later loses committed frames leaves the ledger shorter than this head, and
 * the next open refuses to write (store/head-file.ts). At most one write is in flight.
 */
export class HeadKeeper {
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly dataDir: string,
    private readonly ledger: Ledger
  ) {}

  /** A transaction committed: write the head soon. */
  committed(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.write()
    }, WRITE_DELAY_MS)
    this.timer.unref()
  }

  /** Write now (at open, and at close after the last commit). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.write()
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      try {
        const head = await this.ledger.recordedHead()
        if (head) writeHeadFile(this.dataDir, head)
      } catch (error) {
        // The data folder is gone (removed under a core that never closed): nothing left to protect.
        if (!existsSync(this.dataDir)) return
        // The next commit retries; the check on open is only as fresh as the last write.
        console.error('[core] could not record the tree head beside the database:', error)
      }
    })
    return this.writing
  }
}
