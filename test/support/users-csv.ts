/**
 * A hostile users CSV: BOM, CRLF, quoted commas and quotes, an embedded newline, formula cells,
 * a duplicate, an existing member, an unknown team, a bad role and a 10,000,000-character field.
 * Teams "Support Tier 1" and "Billing Team" must exist; olivia@example.com is the Owner.
 */
export function hostileUsersCsv(): { text: string; expected: Array<{ row: number; email: string; status: 'ok' | 'error'; reason?: RegExp }> } {
  const lines = [
    'email,name,role,teams',
    'ok1@example.com,"Doe, Jane ""JD""",agent,Support Tier 1',
    `"=cmd|' /C calc'!A0",Evil,agent,`,
    'ok2@example.com,"=HYPERLINK(""http://evil.example"",""click"")",viewer,"support tier 1|Billing Team"',
    'OK1@example.com,Duplicate,agent,',
    'olivia@example.com,Owner Again,admin,',
    'ghost@example.com,Ghost,agent,No Such Team',
    'boss@example.com,Boss,owner,',
    'multi@example.com,"Line one\r\nLine two, still the name",admin,',
    `big@example.com,${'x'.repeat(10_000_000)},agent,`,
    '@evil.example,"+SUM(1,2)",agent,',
    'norole@example.com,No Role,,'
  ]
  return {
    text: `\uFEFF${lines.join('\r\n')}\r\n`,
    expected: [
      { row: 2, email: 'ok1@example.com', status: 'ok' },
      { row: 3, email: "=cmd|' /C calc'!A0", status: 'error', reason: /^bad email$/ },
      { row: 4, email: 'ok2@example.com', status: 'ok' },
      { row: 5, email: 'OK1@example.com', status: 'error', reason: /^duplicate in file \(first on row 2\)$/ },
      { row: 6, email: 'olivia@example.com', status: 'error', reason: /^already a member \(active\)$/ },
      { row: 7, email: 'ghost@example.com', status: 'error', reason: /^unknown team: No Such Team$/ },
      { row: 8, email: 'boss@example.com', status: 'error', reason: /^bad role: the Owner cannot be invited$/ },
      { row: 9, email: 'multi@example.com', status: 'ok' },
      { row: 10, email: 'big@example.com', status: 'error', reason: /^name too long/ },
      { row: 11, email: '@evil.example', status: 'error', reason: /^bad email$/ },
      { row: 12, email: 'norole@example.com', status: 'error', reason: /^bad role \(empty/ }
    ]
  }
}
