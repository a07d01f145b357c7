export interface Migration {
  version: number
  name: string
  /** SQL run inside one transaction. */
  up: string
}
