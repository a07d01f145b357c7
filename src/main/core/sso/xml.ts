import { createRequire } from 'node:module'
import { AppError } from '../../../shared/contract/result'

/** The few DOM calls the metadata reader makes (xmldom's own typings pull the browser's DOM lib into the whole program). */
export interface XmlElement {
  readonly localName: string | null
  readonly namespaceURI: string | null
  readonly textContent: string | null
  getAttribute(name: string): string | null
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlElement>
}
interface XmlDocument {
  readonly documentElement: XmlElement | null
}
interface XmlParser {
  parseFromString(text: string, mimeType: string): XmlDocument
}
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as {
  DOMParser: new (options: { errorHandler: (level: string, message: unknown) => void }) => XmlParser
}

/**
 * XML from outside (IdP metadata, SAML responses), read safely: size-limited, and any document
 * declaring a DOCTYPE or an entity is refused before it is parsed at all (xmldom accepts a DOCTYPE
 * with an unreferenced external entity; nothing legitimate in SAML needs one).
 */
export function refuseUnsafeXml(text: string, what: string, maxBytes: number): void {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new AppError('VALIDATION', `${what} is larger than ${Math.round(maxBytes / 1024)} KB: refused.`)
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new AppError('VALIDATION', `${what} declares a DOCTYPE or an entity, which SAML never needs and attacks use: refused without reading it.`)
}

/** Parse checked XML; a malformed document is refused with the parser's reason. */
export function parseXml(text: string, what: string, maxBytes: number): XmlDocument {
  refuseUnsafeXml(text, what, maxBytes)
  const problems: string[] = []
  const doc = new DOMParser({
    errorHandler: (level: string, message: unknown) => {
      if (level !== 'warning') problems.push(String(message))
    }
  }).parseFromString(text, 'text/xml')
  if (problems.length > 0 || !doc.documentElement) throw new AppError('VALIDATION', `${what} is not well-formed XML: ${problems[0] ?? 'no root element'}.`)
  return doc
}
