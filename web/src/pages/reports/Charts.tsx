import { type ReactNode, type RefObject, useEffect, useId, useRef, useState } from 'react';

export interface Datum {
  key: string;
  label: string;
  value: number | null;
}

interface ChartProps {
  title: string;
  data: Datum[];
  format: (v: number) => string;
  /** Read out for a missing value (no samples). */
  none: string;
  testId?: string;
}

/** The element's width in CSS pixels, followed as the layout changes (charts draw at 1:1, so text stays legible on a phone). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.getBoundingClientRect().width));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** A round upper bound for the axis (1, 2 or 5 times a power of ten). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p);
}

const clip = (s: string, chars: number) => ([...s].length > chars ? `${[...s].slice(0, Math.max(1, chars - 1)).join('')}…` : s);
const summary = (data: Datum[], format: (v: number) => string, none: string) => data.map((d) => `${d.label}: ${d.value === null ? none : format(d.value)}`).join('; ');

/** A titled figure whose SVG is drawn at the container's width, described for screen readers by its values. */
function ChartFrame({ title, data, format, none, testId, height, children }: ChartProps & { height: number; children: (width: number) => ReactNode }) {
  const id = useId();
  const [ref, width] = useWidth<HTMLDivElement>();
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={ref}>
        {width > 0 && (
          <svg width={width} height={height} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
            <title id={`${id}-title`}>{title}</title>
            <desc id={`${id}-desc`}>{summary(data, format, none)}</desc>
            {children(width)}
          </svg>
        )}
      </div>
    </figure>
  );
}

/** One bar or column: its value in a tooltip and in data attributes (tests read them). */
function Mark({ d, format, none, children }: { d: Datum; format: (v: number) => string; none: string; children: ReactNode }) {
  return (
    <g className="bar" data-key={d.key} data-value={d.value ?? ''}>
      <title>{`${d.label}: ${d.value === null ? none : format(d.value)}`}</title>
      {children}
    </g>
  );
}

/** Horizontal bars, one per group (a label on the left, the value at the bar's end). */
export function BarChart(props: ChartProps) {
  const { data, format, none } = props;
  const row = 26;
  const height = data.length * row + 4;
  return (
    <ChartFrame {...props} height={height}>
      {(width) => {
        const labelW = Math.min(150, Math.round(width * 0.38));
        const valueW = 64;
        const plotW = Math.max(10, width - labelW - valueW);
        const max = niceMax(Math.max(0, ...data.map((d) => d.value ?? 0)));
        return data.map((d, i) => {
          const y = i * row + 2;
          const w = d.value ? Math.max(2, (d.value / max) * plotW) : 0;
          return (
            <Mark key={d.key} d={d} format={format} none={none}>
              <text x={labelW - 6} y={y + row / 2} textAnchor="end" dominantBaseline="middle" className="chart-label">
                {clip(d.label, Math.floor(labelW / 13))}
              </text>
              <rect x={labelW} y={y + 4} width={w} height={row - 8} rx={3} />
              <text x={labelW + w + 4} y={y + row / 2} dominantBaseline="middle" className="chart-value">
                {d.value === null ? '–' : format(d.value)}
              </text>
            </Mark>
          );
        });
      }}
    </ChartFrame>
  );
}

/** Vertical columns over time (one per day), with a labelled top of the axis and thinned day labels. */
export function ColumnChart(props: ChartProps) {
  const { data, format, none } = props;
  const height = 180;
  const [top, bottom, left] = [16, 22, 8];
  const plotH = height - top - bottom;
  return (
    <ChartFrame {...props} height={height}>
      {(width) => {
        const slot = Math.max(1, (width - left * 2) / Math.max(1, data.length));
        const max = niceMax(Math.max(0, ...data.map((d) => d.value ?? 0)));
        // Day labels (MM-DD) need about 44 px each: show every n-th.
        const every = Math.max(1, Math.ceil(44 / slot));
        return (
          <>
            <line x1={left} x2={width - left} y1={top} y2={top} className="grid" />
            <line x1={left} x2={width - left} y1={top + plotH} y2={top + plotH} className="axis" />
            <text x={left} y={top - 4} className="chart-value">
              {format(max)}
            </text>
            {data.map((d, i) => {
              const h = d.value ? Math.max(2, (d.value / max) * plotH) : 0;
              const x = left + i * slot;
              return (
                <Mark key={d.key} d={d} format={format} none={none}>
                  <rect x={x + slot * 0.15} y={top + plotH - h} width={Math.max(1, slot * 0.7)} height={h} rx={2} />
                  {i % every === 0 && (
                    <text x={x + slot / 2} y={height - 6} textAnchor="middle" className="chart-label">
                      {d.label.slice(5)}
                    </text>
                  )}
                </Mark>
              );
            })}
          </>
        );
      }}
    </ChartFrame>
  );
}
