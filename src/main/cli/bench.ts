export interface BenchOptions {
  users: number
  events: number
  workerPath: string
}

export async function runBench(_options: BenchOptions): Promise<void> {
  throw new Error('bench: being written')
}
