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
import { AggregationTemporality, ConsoleMetricExporter, InstrumentType, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
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
  const processors: SpanProcessor[] = [];
  let readers: (histograms: HistogramProducerFor) => IMetricReader[];
  if (t.mode === 'prometheus') {
    let exporter!: PrometheusExporter;
    readers = (histograms) => [(exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [histograms(AggregationTemporality.CUMULATIVE)] }))];
    const telemetry = createTelemetry({ metricReaders: readers, spanProcessors: processors, traceSampleRatio: t.traceSampleRatio });
    const scrapeServer = await listenForScrapes(exporter, t.metricsPort).catch(async (error: unknown) => {
      await telemetry.shutdown();
      throw error;
    });
    return withClose(telemetry, scrapeServer);
  }
  if (t.mode === 'otlp') {
    const exporter = new OTLPMetricExporter({ url: `${t.otlpEndpoint}/v1/metrics` });
    readers = (histograms) => [new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: t.exportIntervalMs,
      // The exporter's preference (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE) holds for our histograms too.
      metricProducers: [histograms(exporter.selectAggregationTemporality(InstrumentType.HISTOGRAM))],
    })];
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${t.otlpEndpoint}/v1/traces` })));
  } else {
    const exporter = new ConsoleMetricExporter();
    readers = (histograms) => [new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: t.exportIntervalMs,
      metricProducers: [histograms(exporter.selectAggregationTemporality(InstrumentType.HISTOGRAM))],
    })];
    processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  }
  return withClose(createTelemetry({ metricReaders: readers, spanProcessors: processors, traceSampleRatio: t.traceSampleRatio }), undefined);
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
