/** The built views as resources: the URI follows the content, and a missing build says what to run. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIEW_IDS } from '../../src/views/catalogue.js';
import { loadViewResources, ViewsNotBuiltError } from '../../src/views/resources.js';

function builtViews(body: (id: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'views-'));
  for (const id of VIEW_IDS) writeFileSync(join(dir, `${id}.html`), body(id));
  return dir;
}

describe('loadViewResources', () => {
  it('puts a content hash in each URI, so a changed view gets a new URI and an unchanged one keeps its own', () => {
    const before = loadViewResources(builtViews((id) => `<!doctype html><title>${id}</title>`));
    const after = loadViewResources(builtViews((id) => (id === 'revenue-cogs' ? '<!doctype html><title>changed</title>' : `<!doctype html><title>${id}</title>`)));
    expect(after.uriOf('revenue-cogs')).not.toBe(before.uriOf('revenue-cogs'));
    expect(after.uriOf('inventory-balances')).toBe(before.uriOf('inventory-balances'));
    expect(before.byUri(before.uriOf('open-documents'))?.html).toBe('<!doctype html><title>open-documents</title>');
    expect(before.byUri('ui://neonpanel/open-documents.html')).toBeUndefined();
  });

  it('refuses to start without the built views, naming the command that builds them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'views-'));
    expect(() => loadViewResources(dir)).toThrow(ViewsNotBuiltError);
    expect(() => loadViewResources(dir)).toThrow(/build:views/);
  });
});
