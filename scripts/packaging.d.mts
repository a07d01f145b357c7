// Types of packaging.mjs for the TypeScript tests (the module itself is plain Node, run by
// electron-builder and scripts/package.mjs).
import type { FuseV1Options, FuseVersion } from '@electron/fuses'
import type { AfterPackContext, Configuration } from 'electron-builder'

export type FuseMap = { readonly version: FuseVersion.V1 } & { readonly [K in FuseV1Options]?: boolean }

export declare const FUSES: FuseMap
export declare function fusesByName(config?: FuseMap): Record<string, boolean>
export declare const NATIVE_ADDON: string
export declare function electronBinaryPath(options: { appOutDir: string; electronPlatformName: string; productFilename: string; executableName: string }): string
export declare function binaryPlatform(bytes: Buffer): 'linux' | 'darwin' | 'win32' | 'unknown'
export declare function nativeAddonProblems(options: { projectDir: string; electronVersion: string; platform?: string; arch?: string }): string[]
export declare function fuseMismatches(expected: FuseMap, wire: Readonly<Record<string, unknown>>): string[]
export declare function flipAndVerifyFuses(binaryPath: string, options?: { resetAdHocDarwinSignature?: boolean; log?: (line: string) => void }): Promise<void>
export declare function afterPack(context: AfterPackContext): Promise<void>
export declare const builderConfig: Configuration & { afterPack: typeof afterPack }
