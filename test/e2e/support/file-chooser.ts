import type { Page } from '@playwright/test'

/** What the page wrote to the file it was given. */
export interface ChosenFile {
  name: string
  chunks: string[]
  closed: boolean
  aborted: boolean
}

interface StandIn {
  __file: ChosenFile | null
  __hold: Promise<void> | null
  __letGo: () => void
  showSaveFilePicker: unknown
}

/**
 * The browser's file chooser (`showSaveFilePicker`) is the one thing the exports' tests stand in
 * for: a writable that keeps what it is given, and can be made slow (`holdWrites`) to catch an
 * export in the middle.
 */
export class FileChooser {
  private constructor(private readonly page: Page) {}

  static async standIn(page: Page): Promise<FileChooser> {
    await page.addInitScript(() => {
      const w = window as unknown as StandIn
      w.__file = null
      w.__hold = null
      w.showSaveFilePicker = async (options: { suggestedName: string }) => ({
        createWritable: async () => {
          const file: ChosenFile = { name: options.suggestedName, chunks: [], closed: false, aborted: false }
          w.__file = file
          return {
            write: async (text: string) => {
              // A slow disk, when the test asks for one: the write waits until it is let go.
              if (w.__hold) await w.__hold
              file.chunks.push(text)
            },
            close: async () => void (file.closed = true),
            abort: async () => void (file.aborted = true)
          }
        }
      })
    })
    return new FileChooser(page)
  }

  /** The last file chosen (null before any). */
  file(): Promise<ChosenFile | null> {
    return this.page.evaluate(() => (window as unknown as StandIn).__file)
  }

  /** Writes wait from now until `letGo`. */
  holdWrites(): Promise<void> {
    return this.page.evaluate(() => {
      const w = window as unknown as StandIn
      w.__hold = new Promise<void>((resolve) => (w.__letGo = resolve))
    })
  }

  letGo(): Promise<void> {
    return this.page.evaluate(() => (window as unknown as StandIn).__letGo())
  }
}
