import { migration0001 } from './0001-accounts-people'
import { migration0002 } from './0002-sign-in'
import { migration0003 } from './0003-audit-ledger'
import { migration0004 } from './0004-users-teams'
import { migration0005 } from './0005-support-access'
import { migration0006 } from './0006-people-search'
import { migration0007 } from './0007-reauth-login-method'
import { migration0008 } from './0008-users-list-covering'
import { migration0009 } from './0009-team-status-counts'
import { migration0010 } from './0010-team-chips'
import { migration0011 } from './0011-last-login-search'
import { migration0012 } from './0012-password-resets'
import { migration0013 } from './0013-team-page-order'
import { migration0014 } from './0014-notification-preferences'
import { migration0015 } from './0015-person-language'
import { migration0016 } from './0016-sort-keys'
import { migration0017 } from './0017-sso'
import { migration0018 } from './0018-sso-provisioning-health'
import { migration0019 } from './0019-audit-review'
import { migration0020 } from './0020-login-history-review'
import { migration0021 } from './0021-audit-retention'
import type { Migration } from './types'

export type { Migration }

/** In order; a new migration is a new file added at the end. Never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014, migration0015, migration0016, migration0017, migration0018, migration0019, migration0020, migration0021]
