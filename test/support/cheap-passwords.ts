import { useTestPasswordCost } from '../../src/main/core/auth/passwords'

// Every vitest file: new password hashes at the test cost (passwords.ts says why and what it leaves alone).
useTestPasswordCost(true)
