import { AppError } from '../../shared/contract/result'

/** Read a secret from the terminal without echoing it. */
export function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin
  if (!stdin.isTTY) {
    return Promise.reject(new AppError('UNAUTHENTICATED', 'No passphrase: set GATEHOUSE_PASSPHRASE or run in a terminal to be asked for it.'))
  }
  return new Promise((resolve, reject) => {
    process.stderr.write(question)
    let value = ''
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          done()
          resolve(value)
          return
        }
        if (char === '\u0003') {
          done()
          reject(new AppError('VALIDATION', 'Cancelled.'))
          return
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1)
        else value += char
      }
    }
    const done = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
    }
    stdin.on('data', onData)
  })
}

/** GATEHOUSE_PASSPHRASE, or a prompt (asked twice when a new store is being created). */
export async function resolvePassphrase(creating: boolean): Promise<string> {
  const fromEnv = process.env.GATEHOUSE_PASSPHRASE
  if (fromEnv) return fromEnv
  if (!creating) return promptSecret('Passphrase for the Gatehouse store: ')
  const first = await promptSecret('Choose a passphrase for the new Gatehouse store (at least 8 characters): ')
  const second = await promptSecret('Repeat the passphrase: ')
  if (first !== second) throw new AppError('VALIDATION', 'The two passphrases differ; nothing was created.')
  return first
}
