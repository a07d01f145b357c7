/**
 * The `device` recorded on login and audit events for a web connection: a short summary such as
 * "Chrome 156 on Linux" when the User-Agent is a browser we recognise, the raw header (cleaned,
 * at most 120 characters) when it is not, and "script" when there is none (Bearer-token clients).
 */
export const MAX_DEVICE_LENGTH = 120

const BROWSERS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  // Order matters: Edge and Opera also claim Chrome; Chrome also claims Safari.
  { name: 'Edge', pattern: /\bEdg(?:e|A|iOS)?\/(\d+)/ },
  { name: 'Opera', pattern: /\bOPR\/(\d+)/ },
  { name: 'Firefox', pattern: /\b(?:Firefox|FxiOS)\/(\d+)/ },
  { name: 'Headless Chrome', pattern: /\bHeadlessChrome\/(\d+)/ },
  { name: 'Chromium', pattern: /\bChromium\/(\d+)/ },
  { name: 'Chrome', pattern: /\b(?:Chrome|CriOS)\/(\d+)/ },
  { name: 'Safari', pattern: /\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\// }
]

const SYSTEMS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'Android', pattern: /\bAndroid\b/ },
  { name: 'iOS', pattern: /\b(?:iPhone|iPad|iPod)\b/ },
  { name: 'ChromeOS', pattern: /\bCrOS\b/ },
  { name: 'Windows', pattern: /\bWindows\b/ },
  { name: 'macOS', pattern: /\bMac OS X\b|\bMacintosh\b/ },
  { name: 'Linux', pattern: /\bLinux\b|\bX11\b/ }
]

export function summarizeUserAgent(userAgent: string | undefined): string {
  // Control characters would let a client forge lines in logs and exports.
  // eslint-disable-next-line no-control-regex
  const ua = (userAgent ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim()
  if (ua === '') return 'script'
  const browser = BROWSERS.find((b) => b.pattern.test(ua))
  if (!browser) return ua.slice(0, MAX_DEVICE_LENGTH)
  const version = browser.pattern.exec(ua)?.[1] ?? ''
  const system = SYSTEMS.find((s) => s.pattern.test(ua))
  const summary = `${browser.name} ${version}${system ? ` on ${system.name}` : ''}`
  return summary.slice(0, MAX_DEVICE_LENGTH)
}
