import { describe, expect, it } from 'vitest'
import { findDeepLink, parseDeepLink } from '../../../src/main/shell/deep-link'

const TOKEN = 'q9Xf3kP0aLr7ZtY2mWcB5vHn8sJd1uGe4oKiQxRzT6w' // 43 base64url characters = 256 bits
const HEX_TOKEN = 'a'.repeat(64)

describe('gatehouse:// deep links', () => {
  it('accepts an invitation link', () => {
    expect(parseDeepLink(`gatehouse://invite/${TOKEN}`)).toEqual({ kind: 'invite', token: TOKEN })
    expect(parseDeepLink(`gatehouse://invite/${HEX_TOKEN}`)).toEqual({ kind: 'invite', token: HEX_TOKEN })
    expect(parseDeepLink(`gatehouse://reset/${TOKEN}`)).toEqual({ kind: 'reset', token: TOKEN })
  })

  it('tolerates a trailing slash and an upper-case scheme', () => {
    expect(parseDeepLink(`gatehouse://invite/${TOKEN}/`)).toEqual({ kind: 'invite', token: TOKEN })
    expect(parseDeepLink(`GATEHOUSE://invite/${TOKEN}`)).toEqual({ kind: 'invite', token: TOKEN })
  })

  const refused: Array<[string, unknown]> = [
    ['another scheme', `https://invite/${TOKEN}`],
    ['another action', `gatehouse://reset-password/${TOKEN}`],
    ['an action in another case', `gatehouse://INVITE/${TOKEN}`],
    ['no token', 'gatehouse://invite/'],
    ['a reset link without a token', 'gatehouse://reset/'],
    ['another kind of link', `gatehouse://resets/${TOKEN}`],
    ['a short token', 'gatehouse://invite/abc123'],
    ['a too long token', `gatehouse://invite/${'a'.repeat(65)}`],
    ['characters outside base64url', `gatehouse://invite/${TOKEN.slice(0, 42)}+`],
    ['an encoded slash', `gatehouse://invite/${TOKEN.slice(0, 30)}%2F${TOKEN.slice(0, 13)}`],
    ['an extra segment', `gatehouse://invite/${TOKEN}/extra`],
    ['a traversal', `gatehouse://invite/../${TOKEN}`],
    ['a query', `gatehouse://invite/${TOKEN}?next=https://evil.example`],
    ['a fragment', `gatehouse://invite/${TOKEN}#x`],
    ['credentials', `gatehouse://user:pw@invite/${TOKEN}`],
    ['a port', `gatehouse://invite:8080/${TOKEN}`],
    ['no authority', `gatehouse:invite/${TOKEN}`],
    ['an empty authority', `gatehouse:///invite/${TOKEN}`],
    ['something enormous', `gatehouse://invite/${TOKEN}${'/x'.repeat(400)}`],
    ['not a URL', 'gatehouse://'],
    ['not a string', { url: `gatehouse://invite/${TOKEN}` }],
    ['nothing', undefined]
  ]
  for (const [name, link] of refused) {
    it(`refuses ${name}`, () => {
      expect(parseDeepLink(link)).toBeNull()
    })
  }

  it('finds the link among Chromium’s own arguments on a second launch', () => {
    const argv = ['/opt/Gatehouse/gatehouse', '--allow-file-access-from-files', '--original-process-start-time=1', `gatehouse://invite/${TOKEN}`]
    expect(findDeepLink(argv)).toEqual({ kind: 'invite', token: TOKEN })
  })

  it('finds nothing in a plain launch, and nothing usable in a bad link', () => {
    expect(findDeepLink(['/opt/Gatehouse/gatehouse', '.', '--data-dir', '/tmp/x'])).toBeNull()
    expect(findDeepLink(['/opt/Gatehouse/gatehouse', 'gatehouse://invite/short'])).toBeNull()
  })
})
