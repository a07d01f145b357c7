import type { Feature } from '../kernel/kernel'
import { registerUsersImport } from './import'
import { registerUsersList } from './list-handlers'
import { registerUserManagement } from './manage-handlers'

export const usersFeature: Feature = (kernel) => {
  registerUsersList(kernel)
  registerUserManagement(kernel)
  registerUsersImport(kernel)
}
