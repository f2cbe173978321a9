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
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Config } from '../config.js';
import { createTelemetry, disabledTelemetry, type Telemetry } from './telemetry.js';

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
  const readers: IMetricReader[] = [];
  const processors: SpanProcessor[] = [];
  let scrapeServer: http.Server | undefined;
  if (t.mode === 'prometheus') {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    readers.push(exporter);
    scrapeServer = await listenForScrapes(exporter, t.metricsPort);
  } else if (t.mode === 'otlp') {
    readers.push(new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${t.otlpEndpoint}/v1/metrics` }),
      exportIntervalMillis: t.exportIntervalMs,
    }));
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${t.otlpEndpoint}/v1/traces` })));
  } else {
    readers.push(new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: t.exportIntervalMs }));
    processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  }
  const telemetry = createTelemetry({ metricReaders: readers, spanProcessors: processors, traceSampleRatio: t.traceSampleRatio });
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
