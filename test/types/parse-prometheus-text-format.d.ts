/** The parser ships no types; the shape its README documents, as the health test reads it. */
declare module 'parse-prometheus-text-format' {
  interface MetricFamily {
    name: string;
    help: string;
    type: 'GAUGE' | 'COUNTER' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: { value?: string; labels?: Record<string, string>; timestamp_ms?: string }[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
