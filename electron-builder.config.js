// electron-builder's configuration for `npm run package` (scripts/package.mjs passes --config).
// It lives in scripts/packaging.mjs, with the fuses and the afterPack hook that flips them.
export { builderConfig as default } from './scripts/packaging.mjs'
