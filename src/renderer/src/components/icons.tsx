import type { JSX, ReactNode } from 'react'

function Icon({ children, size = 16 }: { children: ReactNode; size?: number }): JSX.Element {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  )
}

export function UsersIcon(): JSX.Element {
  return (
    <Icon>
      <circle cx="6" cy="5.5" r="2.5" />
      <path d="M1.5 13.5c.5-2.5 2.3-4 4.5-4s4 1.5 4.5 4" />
      <path d="M10.5 3.2a2.5 2.5 0 0 1 0 4.6M12 9.8c1.3.6 2.2 1.9 2.5 3.7" />
    </Icon>
  )
}

/** A clock with an arrow round it: the history of sign-ins. */
export function LoginHistoryIcon(): JSX.Element {
  return (
    <Icon>
      <path d="M2.5 8a5.5 5.5 0 1 0 1.6-3.9" />
      <path d="M2 2.5v2.2h2.2M8 5v3.2l2 1.3" />
    </Icon>
  )
}

export function AuditIcon(): JSX.Element {
  return (
    <Icon>
      <path d="M4 1.5h5.5L13 5v9.5H4z" />
      <path d="M9.5 1.5V5H13M6.5 8h4M6.5 10.5h4" />
    </Icon>
  )
}

export function SearchIcon(): JSX.Element {
  return (
    <Icon size={14}>
      <circle cx="7" cy="7" r="4.5" />
      <path d="m10.5 10.5 3.5 3.5" />
    </Icon>
  )
}

export function SignOutIcon(): JSX.Element {
  return (
    <Icon size={14}>
      <path d="M6 14H3.5a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1H6M10.5 11.5 14 8l-3.5-3.5M14 8H6" />
    </Icon>
  )
}

export function SortIcon({ direction }: { direction: 'asc' | 'desc' | false }): JSX.Element {
  return (
    <Icon size={12}>
      {direction === 'asc' ? <path d="M8 13V3M4 7l4-4 4 4" /> : null}
      {direction === 'desc' ? <path d="M8 3v10M4 9l4 4 4-4" /> : null}
      {direction === false ? <path d="M5 6l3-3 3 3M5 10l3 3 3-3" /> : null}
    </Icon>
  )
}

export function CloseIcon(): JSX.Element {
  return (
    <Icon size={14}>
      <path d="M4 4l8 8M12 4l-8 8" />
    </Icon>
  )
}

export function CopyIcon(): JSX.Element {
  return (
    <Icon size={14}>
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 5.5V3.5a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" />
    </Icon>
  )
}

export function CheckIcon(): JSX.Element {
  return (
    <Icon size={14}>
      <path d="M3 8.5l3 3 7-7" />
    </Icon>
  )
}

/** The Gatehouse mark: a gate under an arch. */
export function LogoMark({ size = 24 }: { size?: number }): JSX.Element {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect width="24" height="24" rx="6" fill="var(--accent)" />
      <path
        d="M6 19V11a6 6 0 0 1 12 0v8M6 19h12M10 19v-5h4v5"
        fill="none"
        stroke="var(--accent-fg)"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}

export function TeamsIcon(): JSX.Element {
  return (
    <Icon>
      <circle cx="8" cy="4.5" r="2" />
      <circle cx="3.5" cy="7" r="1.6" />
      <circle cx="12.5" cy="7" r="1.6" />
      <path d="M4.5 13.5c.4-2.2 1.8-3.5 3.5-3.5s3.1 1.3 3.5 3.5M1 12.5c.2-1.4 1-2.3 2.2-2.5M15 12.5c-.2-1.4-1-2.3-2.2-2.5" />
    </Icon>
  )
}

export function SettingsIcon(): JSX.Element {
  return (
    <Icon>
      <circle cx="8" cy="8" r="2.2" />
      <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
    </Icon>
  )
}
