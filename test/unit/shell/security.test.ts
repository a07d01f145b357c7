import { beforeEach, describe, expect, it, vi } from 'vitest'
import { hardenSession, hardenWebContents, isExternalHttps } from '../../../src/main/shell/security'
import { WebContents, mockEvent, resetElectronMock, session, shell } from '../../mocks/electron'

vi.mock('electron', () => import('../../mocks/electron'))

function hardened(): WebContents {
  const contents = new WebContents()
  hardenWebContents(contents as never)
  return contents
}

const FOREIGN = [
  'https://evil.example/',
  'http://127.0.0.1:8080/',
  'file:///etc/passwd',
  'app://evil/index.html',
  'app://gatehouse.evil/',
  'app://user:pw@gatehouse/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'gatehouse://invite/abc',
  'not a url'
]

describe('navigation', () => {
  beforeEach(() => resetElectronMock())

  for (const name of ['will-navigate', 'will-redirect'] as const) {
    describe(name, () => {
      for (const url of FOREIGN) {
        it(`refuses ${url}`, () => {
          const event = mockEvent({ url })
          hardened().emit(name, event, url)
          expect(event.defaultPrevented).toBe(true)
        })
      }
      it('lets the app move within its own origin', () => {
        const event = mockEvent({ url: 'app://gatehouse/index.html#/users' })
        hardened().emit(name, event, 'app://gatehouse/index.html#/users')
        expect(event.defaultPrevented).toBe(false)
      })
    })
  }

  it('refuses a subframe navigating off the origin (will-frame-navigate)', () => {
    const event = mockEvent({ url: 'https://evil.example/', isMainFrame: false })
    hardened().emit('will-frame-navigate', event)
    expect(event.defaultPrevented).toBe(true)
  })

  it('uses the event’s url, not the deprecated argument', () => {
    const event = mockEvent({ url: 'https://evil.example/' })
    hardened().emit('will-navigate', event, 'app://gatehouse/index.html')
    expect(event.defaultPrevented).toBe(true)
  })

  it('refuses every <webview>', () => {
    const event = mockEvent()
    hardened().emit('will-attach-webview', event, {}, {})
    expect(event.defaultPrevented).toBe(true)
  })
})

describe('new windows', () => {
  beforeEach(() => resetElectronMock())

  it('are always denied; an https link goes to the browser instead', () => {
    const contents = hardened()
    expect(contents.windowOpenHandler?.({ url: 'https://docs.example.com/sso' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledWith('https://docs.example.com/sso')
  })

  for (const url of ['http://example.com/', 'file:///etc/passwd', 'app://gatehouse/index.html', 'smb://host/share', 'javascript:alert(1)', 'https://user:pw@example.com/']) {
    it(`are denied, and ${url} is not opened anywhere`, () => {
      const contents = hardened()
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' })
      expect(shell.openExternal).not.toHaveBeenCalled()
    })
  }

  it('recognises only credential-free https URLs as external', () => {
    expect(isExternalHttps('https://example.com/a?b')).toBe(true)
    expect(isExternalHttps('HTTPS://EXAMPLE.COM/')).toBe(true)
    expect(isExternalHttps('http://example.com/')).toBe(false)
    expect(isExternalHttps('https://a:b@example.com/')).toBe(false)
    expect(isExternalHttps('::')).toBe(false)
  })
})

describe('permissions', () => {
  beforeEach(() => resetElectronMock())

  const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'unknown']

  it('denies every permission request', () => {
    const ses = session.defaultSession
    hardenSession(ses as never)
    for (const permission of PERMISSIONS) {
      const callback = vi.fn()
      ses.permissionRequestHandler?.(new WebContents(), permission, callback, { requestingUrl: 'app://gatehouse/index.html' })
      expect(callback).toHaveBeenCalledWith(false)
    }
  })

  it('denies every permission check, even from our own origin', () => {
    const ses = session.defaultSession
    hardenSession(ses as never)
    for (const permission of PERMISSIONS) {
      expect(ses.permissionCheckHandler?.(new WebContents(), permission, 'app://gatehouse', {})).toBe(false)
    }
  })

  it('denies device access and page downloads', () => {
    const ses = session.defaultSession
    hardenSession(ses as never)
    expect(ses.devicePermissionHandler?.({ deviceType: 'usb', origin: 'app://gatehouse' })).toBe(false)
    const download = mockEvent()
    ses.emit('will-download', download, {}, new WebContents())
    expect(download.defaultPrevented).toBe(true)
  })
})
