'use client';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** A bar chart of counts (Recharts draws an SVG with one path per bar). */
export function BarPanel({
  data,
  label,
  color,
}: {
  data: Array<{ name: string; value: number }>;
  label: string;
  color: string;
}) {
  return (
    <div className="h-64 w-full" data-testid="chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} angle={-20} textAnchor="end" height={50} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="value" name={label} fill={color} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** MTTR (minutes) and SLA compliance (%) per team. */
export function TeamPanel({
  data,
  mttrLabel,
  slaLabel,
}: {
  data: Array<{ name: string; mttr: number; sla: number }>;
  mttrLabel: string;
  slaLabel: string;
}) {
  return (
    <div className="h-64 w-full" data-testid="chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" tick={{ fontSize: 11 }} />
          <YAxis yAxisId="mttr" tick={{ fontSize: 11 }} />
          <YAxis yAxisId="sla" orientation="right" domain={[0, 100]} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="mttr" dataKey="mttr" name={mttrLabel} fill="#7c3aed" isAnimationActive={false} />
          <Bar yAxisId="sla" dataKey="sla" name={slaLabel} fill="#0f766e" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Created vs resolved per day (core's `metrics().daily`), one line each. */
export function DailyPanel({
  data,
  createdLabel,
  resolvedLabel,
}: {
  data: Array<{ date: string; created: number; resolved: number }>;
  createdLabel: string;
  resolvedLabel: string;
}) {
  return (
    <div className="h-64 w-full" data-testid="daily-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          <Line dataKey="created" name={createdLabel} stroke="#1d4ed8" strokeWidth={2} isAnimationActive={false} dot />
          <Line
            dataKey="resolved"
            name={resolvedLabel}
            stroke="#047857"
            strokeWidth={2}
            isAnimationActive={false}
            dot
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
