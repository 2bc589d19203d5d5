/**
 * Chart geometry for the report pages: numbers in, shapes out. The templates draw the SVG from
 * these with escaped labels (charts/*.eta), so the pictures need no client script and no user
 * text is ever put in the page unescaped. The same numbers are in the tables beside each chart.
 */

export interface UnitBar {
  /** The label as drawn (long names shortened). */
  label: string;
  /** The whole name (tooltip and data attribute). */
  fullLabel: string;
  /** Where the label links (drill down), if anywhere. */
  href: string | null;
  y: number;
  confirmedWidth: number;
  checkedInWidth: number;
  /** x of the quota mark, null when the unit has no quota. */
  quotaX: number | null;
  /** e.g. `85.0 %` */
  rateText: string;
  confirmed: number;
  checkedIn: number;
  quota: number | null;
}

export interface UnitBarChart {
  width: number;
  height: number;
  labelWidth: number;
  barHeight: number;
  bars: UnitBar[];
  /** Grid lines: x and the count they stand for. */
  ticks: { x: number; value: number }[];
  shown: number;
  total: number;
}

const UNIT_CHART = { width: 760, labelWidth: 230, rateWidth: 70, row: 30, barHeight: 18, top: 10, bottom: 24, maxBars: 25 };

/** `0.8512` → `85.1 %` */
export const percent = (rate: number): string => `${(rate * 100).toFixed(1)} %`;

/** A round step for about `count` grid lines up to `max`. */
function niceStep(max: number, count: number): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return Math.max(1, step);
}

/** Horizontal bars per unit: confirmed (light), checked in (dark) over it, and the quota as a red mark. */
export function unitBarChart(rows: { label: string; href: string | null; confirmed: number; checkedIn: number; quota: number | null; attendanceRate: number }[]): UnitBarChart {
  const shown = rows.slice(0, UNIT_CHART.maxBars);
  const plot = UNIT_CHART.width - UNIT_CHART.labelWidth - UNIT_CHART.rateWidth;
  const max = Math.max(1, ...shown.map((r) => Math.max(r.confirmed, r.quota ?? 0)));
  const step = niceStep(max, 5);
  const top = Math.ceil(max / step) * step;
  const scale = (v: number) => (v / top) * plot;
  const bars = shown.map((r, i) => ({
    label: r.label.length > 34 ? r.label.slice(0, 33) + '…' : r.label,
    fullLabel: r.label,
    href: r.href,
    y: UNIT_CHART.top + i * UNIT_CHART.row,
    confirmedWidth: scale(r.confirmed),
    checkedInWidth: scale(r.checkedIn),
    quotaX: r.quota === null ? null : UNIT_CHART.labelWidth + scale(r.quota),
    rateText: percent(r.attendanceRate),
    confirmed: r.confirmed,
    checkedIn: r.checkedIn,
    quota: r.quota,
  }));
  const ticks: { x: number; value: number }[] = [];
  for (let v = 0; v <= top; v += step) ticks.push({ x: UNIT_CHART.labelWidth + scale(v), value: v });
  return {
    width: UNIT_CHART.width,
    height: UNIT_CHART.top + Math.max(1, shown.length) * UNIT_CHART.row + UNIT_CHART.bottom,
    labelWidth: UNIT_CHART.labelWidth,
    barHeight: UNIT_CHART.barHeight,
    bars,
    ticks,
    shown: shown.length,
    total: rows.length,
  };
}

export interface LineChart {
  width: number;
  height: number;
  /** The polyline's points attribute. */
  points: string;
  dots: { x: number; y: number; value: number; label: string; labelX: number }[];
  ticks: { y: number; value: number }[];
  left: number;
  right: number;
  bottom: number;
}

/** A line of one value per month (`YYYY-MM` labels shown as `MM/YYYY`). */
export function monthLineChart(months: { month: string; checkedIn: number }[]): LineChart {
  const width = 760;
  const height = 260;
  const left = 56;
  const right = width - 36;
  const top = 16;
  const bottom = height - 40;
  const max = Math.max(1, ...months.map((m) => m.checkedIn));
  const step = niceStep(max, 4);
  const topValue = Math.ceil(max / step) * step;
  const y = (v: number) => bottom - (v / topValue) * (bottom - top);
  const x = (i: number) => (months.length <= 1 ? (left + right) / 2 : left + (i * (right - left)) / (months.length - 1));
  const dots = months.map((m, i) => ({ x: x(i), y: y(m.checkedIn), value: m.checkedIn, label: `${m.month.slice(5)}/${m.month.slice(0, 4)}`, labelX: x(i) }));
  const ticks: { y: number; value: number }[] = [];
  for (let v = 0; v <= topValue; v += step) ticks.push({ y: y(v), value: v });
  return { width, height, points: dots.map((d) => `${d.x.toFixed(1)},${d.y.toFixed(1)}`).join(' '), dots, ticks, left, right, bottom };
}

export interface StatusBars {
  width: number;
  height: number;
  bottom: number;
  bars: { status: string; x: number; y: number; width: number; height: number; value: number }[];
}

/** Vertical bars of events per status, in the lifecycle's order. */
export function statusBarChart(byStatus: { status: string; events: number }[]): StatusBars {
  const order = ['draft', 'published', 'completed', 'cancelled'];
  const width = 480;
  const height = 220;
  const bottom = height - 36;
  const top = 20;
  const max = Math.max(1, ...byStatus.map((s) => s.events));
  const slot = (width - 40) / order.length;
  const bars = order.map((status, i) => {
    const value = byStatus.find((s) => s.status === status)?.events ?? 0;
    const h = (value / max) * (bottom - top);
    return { status, x: 20 + i * slot + slot * 0.2, y: bottom - h, width: slot * 0.6, height: h, value };
  });
  return { width, height, bottom, bars };
}
