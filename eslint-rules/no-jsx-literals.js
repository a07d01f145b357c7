/**
 * Words in the renderer's JSX come from the message catalog (src/renderer/src/i18n), never from
 * string literals: JSX text, string attributes a person sees or hears (aria-label, title,
 * placeholder, a component's label …), and strings placed as children ({'Save'}, {a ? 'On' : 'Off'}).
 * A string without a letter passes (symbols such as "·", "—", "/", "+"), and so do attributes that
 * are never shown: class names, ids, types, roles, ARIA references and states, data-* and SVG
 * geometry.
 */
const HIDDEN_ATTRIBUTES = new Set([
  'className', 'id', 'key', 'type', 'name', 'htmlFor', 'role', 'autoComplete', 'inputMode', 'enterKeyHint',
  'href', 'src', 'rel', 'path', 'resetKey', 'target', 'method', 'encType', 'accept', 'dateTime', 'lang', 'dir', 'value', 'defaultValue',
  'form', 'pattern', 'spellCheck', 'wrap', 'tabIndex', 'loading', 'decoding', 'crossOrigin', 'download', 'sandbox',
  'tone', 'size', 'variant', 'side', 'align', 'kind', 'mode', 'as', 'to', 'icon', 'seed', 'status', 'width', 'height',
  'viewBox', 'd', 'fill', 'stroke', 'strokeWidth', 'strokeLinecap', 'strokeLinejoin', 'xmlns', 'points', 'cx', 'cy', 'r',
  'scope', 'noun', 'testId', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'transform', 'focusable', 'preserveAspectRatio', 'clipRule', 'fillRule'
])

const HAS_LETTER = /\p{L}/u

function isHidden(name) {
  return HIDDEN_ATTRIBUTES.has(name) || name.startsWith('data-') || (name.startsWith('aria-') && !['aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription', 'aria-placeholder'].includes(name))
}

function literalsIn(node, found) {
  if (!node) return found
  if (node.type === 'Literal' && typeof node.value === 'string') found.push(node)
  else if (node.type === 'TemplateLiteral') {
    if (node.quasis.some((q) => HAS_LETTER.test(q.value.cooked ?? ''))) found.push(node)
  } else if (node.type === 'ConditionalExpression') {
    literalsIn(node.consequent, found)
    literalsIn(node.alternate, found)
  } else if (node.type === 'LogicalExpression') literalsIn(node.right, found)
  return found
}

function hasLetters(node) {
  return node.type === 'TemplateLiteral' || HAS_LETTER.test(String(node.value))
}

export const noJsxLiterals = {
  meta: {
    type: 'problem',
    docs: { description: 'Renderer words come from the message catalog, not from literals in JSX.' },
    messages: { literal: 'Words in JSX come from the message catalog (t(…)): "{{text}}".' },
    schema: []
  },
  create(context) {
    const report = (node, text) => context.report({ node, messageId: 'literal', data: { text: String(text).trim().slice(0, 40) } })
    return {
      JSXText(node) {
        if (HAS_LETTER.test(node.value)) report(node, node.value)
      },
      JSXAttribute(node) {
        const name = node.name.type === 'JSXNamespacedName' ? `${node.name.namespace.name}:${node.name.name.name}` : node.name.name
        if (isHidden(name) || !node.value) return
        const value = node.value.type === 'JSXExpressionContainer' ? node.value.expression : node.value
        for (const literal of literalsIn(value, [])) if (hasLetters(literal)) report(literal, literal.value ?? literal.quasis[0].value.cooked)
      },
      'JSXElement > JSXExpressionContainer, JSXFragment > JSXExpressionContainer'(node) {
        for (const literal of literalsIn(node.expression, [])) if (hasLetters(literal)) report(literal, literal.value ?? literal.quasis[0].value.cooked)
      }
    }
  }
}
