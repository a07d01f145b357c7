/**
 * The short page a browser is shown once the provider's answer reached Gatehouse (the core's
 * loopback listener, or the web host's own callback route): how the sign-in went, in words.
 */
export const ANSWER_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function answerPage(ok: boolean, message: string): string {
  const title = ok ? 'Sign-in received' : 'Sign-in not completed'
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><meta name="viewport" content="width=device-width"></head>` +
    `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${title}</h1>` +
    `<p>${escapeHtml(message)} You can close this tab and return to Gatehouse.</p></body></html>`
  )
}
