/**
 * The node project has no DOM lib, but `locator.evaluate` callbacks run in Chromium.
 * Declares only the browser globals those callbacks use.
 */
declare global {
  function getComputedStyle(element: unknown): { textOverflow: string; backgroundColor: string }
  function requestAnimationFrame(callback: (now: number) => void): number
}

export {}
