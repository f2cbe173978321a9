/**
 * An https server on loopback that serves Client ID Metadata Documents, with a self-signed
 * certificate made by openssl for the test (the broker's test-only loopback allowance trusts
 * it). Counts requests, so a test can show a refused URL was never fetched.
 */
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface CimdServer {
  origin: string;
  /** Serves `document(url)` at `path`; the function gets the document's own URL. */
  serve(path: string, document: (url: string) => Record<string, unknown>): string;
  readonly fetches: number;
  close(): Promise<void>;
}

export async function startCimdServer(): Promise<CimdServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cimd-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const documents = new Map<string, (url: string) => Record<string, unknown>>();
  let fetches = 0;
  let origin = '';
  const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    fetches++;
    const document = documents.get(req.url ?? '');
    if (!document) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify(document(`${origin}${req.url}`)));
  });
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    serve(path, document) {
      documents.set(path, document);
      return `${origin}${path}`;
    },
    get fetches() {
      return fetches;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
