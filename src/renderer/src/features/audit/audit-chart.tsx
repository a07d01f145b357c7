import { useEffect, useRef, useState, type JSX } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { formatCount, formatDate, formatDateTime } from '../../components/format'
import { useTheme } from '../../app/theme-store'
import { useMediaQuery } from '../../components/use-media-query'
import { useT } from '../../i18n/i18n'
import type { AuditSeries } from './audit-store'

const HEIGHT = 96

/** A CSS colour as the canvas needs it (custom properties hold light-dark(), which only CSS resolves). */
function resolved(host: HTMLElement, variable: string): string {
  const probe = document.createElement('span')
  probe.style.color = `var(${variable})`
  host.appendChild(probe)
  const color = getComputedStyle(probe).color
  probe.remove()
  return color
}

function binLabel(series: AuditSeries, i: number): string {
  const start = series.bounds[i]!
  if (series.unit === 'hour') return formatDateTime(start, { zone: true })
  if (series.unit === 'week') return `${formatDate(start)} – ${formatDate(series.bounds[i + 1]! - 1)}`
  return formatDate(start)
}

/** The plot's columns: each bin's middle (seconds) and its count. */
function plotData(series: AuditSeries): uPlot.AlignedData {
  const n = series.counts.length
  return [series.bounds.slice(0, n).map((b, i) => (b + series.bounds[i + 1]!) / 2 / 1000), series.counts]
}

/**
 * Events per bin (day, hour or week) of the filtered range as bars (uPlot, canvas). Dragging across
 * bars, or clicking one, narrows the view to those bins; the line under the chart reads the bar
 * under the pointer. The canvas is a picture: its figures are in the label and in the line.
 */
export function AuditChart({ series, onRange, noun = 'events' }: { series: AuditSeries; onRange?: (from: number, to: number) => void; noun?: 'events' | 'signIns' }): JSX.Element {
  const t = useT()
  const hostRef = useRef<HTMLDivElement>(null)
  const [hover, setHover] = useState<number | null>(null)
  // Colours follow the theme, and the system's scheme while the theme is "system".
  const theme = useTheme((s) => s.theme)
  const systemDark = useMediaQuery('(prefers-color-scheme: dark)')
  const onRangeRef = useRef(onRange)
  const narrows = onRange !== undefined
  useEffect(() => {
    onRangeRef.current = onRange
  }, [onRange])

  // The series the plot draws: its closures read it here, so new figures (a data push, a moved
  // range of the same unit) are drawn in place instead of building the plot again.
  const seriesRef = useRef(series)
  const plotRef = useRef<uPlot | null>(null)
  const unit = series.unit

  // First (effects run in order): a new unit's plot below is then built from the new series.
  useEffect(() => {
    if (seriesRef.current === series) return
    seriesRef.current = series
    plotRef.current?.setData(plotData(series))
  }, [series])

  useEffect(() => {
    const host = hostRef.current
    if (!host) return
    const current = () => seriesRef.current
    const accent = resolved(host, '--accent')
    const muted = resolved(host, '--fg-subtle')
    const grid = resolved(host, '--border-subtle')
    const binOf = (seconds: number) => {
      const { bounds, counts } = current()
      const ms = seconds * 1000
      let i = 0
      while (i < counts.length - 1 && bounds[i + 1]! <= ms) i++
      return i
    }
    const plot = new uPlot(
      {
        width: Math.max(200, host.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        padding: [6, 8, 0, 8],
        cursor: { y: false, points: { show: false }, drag: { x: narrows, y: false, setScale: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          // The whole first and last bins, edge to edge.
          x: { time: true, range: () => [current().bounds[0]! / 1000, current().bounds.at(-1)! / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] }
        },
        axes: [
          {
            stroke: muted,
            grid: { show: false },
            ticks: { stroke: grid },
            size: 24,
            font: '11px system-ui, sans-serif',
            values: (_u, splits) => splits.map((s) => (unit === 'hour' ? formatDateTime(s * 1000).slice(-5) : formatDate(s * 1000, { year: false })))
          },
          {
            stroke: muted,
            grid: { stroke: grid, width: 1 },
            ticks: { show: false },
            size: 44,
            font: '11px system-ui, sans-serif',
            values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? formatCount(s) : ''))
          }
        ],
        series: [{}, { fill: accent, stroke: accent, width: 0, paths: uPlot.paths.bars!({ size: [0.85, 24] }), points: { show: false } }],
        hooks: {
          setCursor: [(u) => setHover(u.cursor.idx ?? null)],
          setSelect: [
            (u) => {
              if (u.select.width < 2) return
              const first = binOf(u.posToVal(u.select.left, 'x'))
              const last = binOf(u.posToVal(u.select.left + u.select.width, 'x'))
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
              onRangeRef.current?.(current().bounds[first]!, current().bounds[last + 1]!)
            }
          ]
        }
      },
      plotData(seriesRef.current),
      host
    )
    plotRef.current = plot
    const click = () => {
      const i = plot.cursor.idx
      if (i !== null && i !== undefined && plot.select.width < 2) onRangeRef.current?.(current().bounds[i]!, current().bounds[i + 1]!)
    }
    plot.over.addEventListener('click', click)
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, host.clientWidth), height: HEIGHT }))
    resize.observe(host)
    return () => {
      resize.disconnect()
      plot.over.removeEventListener('click', click)
      plot.destroy()
      plotRef.current = null
    }
  }, [unit, theme, systemDark, narrows])


  const total = series.counts.reduce((a, b) => a + b, 0)
  const peak = series.counts.reduce((best, c, i) => (c > (series.counts[best] ?? -1) ? i : best), 0)
  const label = t(noun === 'signIns' ? 'auditChart.label.signIns' : `auditChart.label.${series.unit}`, {
    total: formatCount(total),
    from: formatDate(series.bounds[0]!),
    to: formatDate(series.bounds.at(-1)! - 1),
    peak: binLabel(series, peak),
    peakCount: formatCount(series.counts[peak] ?? 0)
  })
  return (
    <figure className="audit-chart">
      <div ref={hostRef} className={`audit-chart-plot${narrows ? '' : ' audit-chart-still'}`} role="img" aria-label={label} />
      <figcaption className="audit-chart-caption" aria-live="off">
        {hover !== null && hover < series.counts.length
          ? t(noun === 'signIns' ? 'auditChart.hoverSignIns' : 'auditChart.hover', { bin: binLabel(series, hover), count: series.counts[hover]!, shown: formatCount(series.counts[hover]!) })
          : narrows
            ? t('auditChart.hint')
            : '\u00a0'}
      </figcaption>
    </figure>
  )
}
