/**
 * TELEMETRY → exporters.
 *
 * - `off`: nothing (disabledTelemetry).
 * - `prometheus` (local): `/metrics` in Prometheus text format on a separate listener bound
 *   to 127.0.0.1:METRICS_PORT only — never the public port, so never through the ALB. Spans
 *   are made (trace context still propagates) but not exported.
 * - `otlp` (AWS): metrics and traces over OTLP/HTTP to OTLP_ENDPOINT, the ADOT collector
 *   sidecar in the same task, which turns metrics into CloudWatch EMF and spans into X-Ray.
 * - `console`: both printed to stdout, for a quick look without a collector.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  InstrumentType,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Config } from '../config.js';
import { createTelemetry, disabledTelemetry, type HistogramProducerFor, type Telemetry } from './telemetry.js';

export interface ConfiguredTelemetry {
  telemetry: Telemetry;
  /** `http://127.0.0.1:<port>/metrics` in `prometheus` mode. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** The loopback-only scrape endpoint. Only GET /metrics; anything else is 404. */
async function listenForScrapes(exporter: PrometheusExporter, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') exporter.getMetricsRequestHandler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `METRICS_PORT ${port} is already in use` : `METRICS_PORT: ${error.message}`)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

export async function telemetryFromConfig(config: Config): Promise<ConfiguredTelemetry> {
  const t = config.telemetry;
  if (t.mode === 'off') return { telemetry: disabledTelemetry, close: async () => {} };
  if (t.mode === 'prometheus') {
    let exporter!: PrometheusExporter;
    const telemetry = createTelemetry({
      metricReaders: (histograms) => [(exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [histograms(AggregationTemporality.CUMULATIVE)] }))],
      spanProcessors: [],
      traceSampleRatio: t.traceSampleRatio,
      followedTracesPerSecond: t.followedTracesPerSecond,
    });
    const scrapeServer = await listenForScrapes(exporter, t.metricsPort).catch(async (error: unknown) => {
      await telemetry.shutdown();
      throw error;
    });
    return withClose(telemetry, scrapeServer);
  }
  const otlp = t.mode === 'otlp';
  return withClose(createTelemetry({
    metricReaders: periodicReaders(otlp ? new OTLPMetricExporter({ url: `${t.otlpEndpoint}/v1/metrics` }) : new ConsoleMetricExporter(), t.exportIntervalMs),
    spanProcessors: [otlp
      ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${t.otlpEndpoint}/v1/traces` }))
      : new SimpleSpanProcessor(new ConsoleSpanExporter())],
    traceSampleRatio: t.traceSampleRatio,
    followedTracesPerSecond: t.followedTracesPerSecond,
  }), undefined);
}

/**
 * One periodic reader pushing to `exporter`, with our histograms in the temporality the exporter
 * prefers (for OTLP, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE), as for the SDK's own.
 */
function periodicReaders(exporter: PushMetricExporter, exportIntervalMillis: number): (histograms: HistogramProducerFor) => IMetricReader[] {
  return (histograms) => [new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis,
    metricProducers: [histograms(exporter.selectAggregationTemporality?.(InstrumentType.HISTOGRAM) ?? AggregationTemporality.CUMULATIVE)],
  })];
}

function withClose(telemetry: Telemetry, scrapeServer: http.Server | undefined): ConfiguredTelemetry {
  const port = scrapeServer ? (scrapeServer.address() as AddressInfo).port : undefined;
  return {
    telemetry,
    ...(port !== undefined ? { metricsUrl: `http://127.0.0.1:${port}/metrics` } : {}),
    async close() {
      await telemetry.shutdown();
      if (scrapeServer) await new Promise<void>((resolve) => scrapeServer!.close(() => resolve()));
    },
  };
}
