import { describe, expect, it } from 'vitest';
import { main } from '../../examples/mcp-client-server/index.js';

describe('examples/mcp-client-server', () => {
  it('reads at once, surfaces the consent link as a URL elicitation, and writes after approval', async () => {
    const lines: string[] = [];
    const result = await main({ log: (line) => lines.push(line), interactive: false });
    expect(result.documents.map((d) => d.id)).toEqual(['q3-report', 'roadmap', 'onboarding']);
    expect(result.consentUrl.startsWith(`${result.consentPage}?code=`)).toBe(true);
    expect(result.summary).toBe('Roadmap 2027: We ship the agent SDK in spring.');
    expect(result.serverSaw).toEqual([
      { tool: 'list_documents', kind: 'agent', scopes: [] },
      { tool: 'summarize_document', kind: 'auth', scopes: ['documents.write'] },
    ]);
    expect(lines).toContain(`  open ${result.consentUrl}`);
  });
});
