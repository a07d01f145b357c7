import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHANNEL_NAMES } from '../../src/shared/contract'
import { decodeFrame } from '../../src/main/web-host/protocol'
import { summarizeUserAgent } from '../../src/main/web-host/user-agent'
import { cookieTokens, hasValidToken, isAllowedHost, isAllowedOrigin } from '../../src/main/web-host/guards'

describe('web host frames', () => {
  it('turns a valid request into a call with the parsed input (defaults applied)', () => {
    const decoded = decodeFrame(JSON.stringify({ id: 7, channel: 'users:list', input: { search: '  ada ' } }))
    expect(decoded).toEqual({
      kind: 'call',
      id: 7,
      channel: 'users:list',
      input: { search: 'ada', sort: 'name', direction: 'asc', limit: 100 }
    })
  })

  it('keeps the request id on a channel or input refusal', () => {
    expect(decodeFrame('{"id":"q1","channel":"nope"}')).toMatchObject({ kind: 'reject', reply: { id: 'q1', result: { ok: false, error: { code: 'VALIDATION' } } } })
    expect(decodeFrame('{"id":3,"channel":"audit:list","input":{"limit":100000}}')).toMatchObject({
      kind: 'reject',
      reply: { id: 3, result: { ok: false, error: { code: 'VALIDATION' } } }
    })
  })

  it('never throws and never lets an unknown channel through, whatever the text', () => {
    const known = new Set<string>(CHANNEL_NAMES)
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.record({ id: fc.oneof(fc.integer(), fc.string(), fc.double()), channel: fc.string(), input: fc.anything() }).map((f) => JSON.stringify(f) ?? '')
        ),
        (text) => {
          const decoded = decodeFrame(text)
          if (decoded.kind === 'call') {
            expect(known.has(decoded.channel)).toBe(true)
          } else {
            expect(decoded.reply.result.ok).toBe(false)
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('web host device summary', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36', 'Chrome 156 on Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/141.0.7390.37 Safari/537.36', 'Headless Chrome 141 on Linux'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0', 'Edge 140 on Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:143.0) Gecko/20100101 Firefox/143.0', 'Firefox 143 on macOS'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15', 'Safari 18 on macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1', 'Safari 18 on iOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Mobile Safari/537.36', 'Chrome 139 on Android']
  ])('%s → %s', (ua, summary) => {
    expect(summarizeUserAgent(ua)).toBe(summary)
  })

  it('is "script" without a User-Agent and the cleaned raw header (≤ 120 chars) otherwise', () => {
    expect(summarizeUserAgent(undefined)).toBe('script')
    expect(summarizeUserAgent('   ')).toBe('script')
    expect(summarizeUserAgent('curl/8.5.0')).toBe('curl/8.5.0')
    const long = `my-tool/1.0 ${'x'.repeat(300)}`
    expect(summarizeUserAgent(long)).toBe(long.slice(0, 120))
    expect(summarizeUserAgent('evil\r\nX-Injected: 1')).toBe('evil  X-Injected: 1')
  })
})

describe('web host guards', () => {
  it('accepts only the loopback names with the exact port as Host', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true)
    expect(isAllowedHost('LOCALHOST:4000', 4000)).toBe(true)
    for (const h of [undefined, '', '127.0.0.1', '127.0.0.1:40000', '127.0.0.1:400', 'localhost', '0.0.0.0:4000', '127.0.0.2:4000', 'evil.example:4000']) {
      expect(isAllowedHost(h, 4000), String(h)).toBe(false)
    }
  })

  it('accepts no Origin (scripts) or exactly the page origin', () => {
    expect(isAllowedOrigin(undefined, 4000)).toBe(true)
    expect(isAllowedOrigin('http://localhost:4000', 4000)).toBe(true)
    for (const o of ['null', '', 'http://127.0.0.1:4000/', 'http://127.0.0.1', 'https://localhost:4000', 'http://localhost:4001']) {
      expect(isAllowedOrigin(o, 4000), o).toBe(false)
    }
  })

  it('finds the token in the Bearer header or any gatehouse_token cookie', () => {
    const token = 'T'.repeat(43)
    expect(cookieTokens({ cookie: `a=1; gatehouse_token=x; gatehouse_token=${token}` })).toEqual(['x', token])
    expect(hasValidToken({ cookie: `a=1; gatehouse_token=x; gatehouse_token=${token}` }, token)).toBe(true)
    expect(hasValidToken({ authorization: `bearer ${token}` }, token)).toBe(true)
    expect(hasValidToken({ authorization: `Basic ${token}` }, token)).toBe(false)
    expect(hasValidToken({ cookie: `xgatehouse_token=${token}` }, token)).toBe(false)
    expect(hasValidToken({}, token)).toBe(false)
  })
})
