import { describe, expect, it } from 'vitest';
import { main } from '../../examples/openai-agents/index.js';

describe('examples/openai-agents', () => {
  it('reads at once, pauses the write for consent, and resumes the saved run after the approval', async () => {
    const previousKey = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY; // the scripted model, whatever the environment
    try {
      const lines: string[] = [];
      const result = await main({ log: (line) => lines.push(line) });

      const [list, pending, written] = result.toolOutputs;
      expect(list?.[0]).toBe('list_documents');
      expect(JSON.parse(list?.[1] ?? '{}').documents).toContainEqual({ id: '1', title: 'Quarterly report' });
      expect(pending?.[0]).toBe('summarize_document');
      expect(pending?.[1]).toContain(`Approval link: ${result.consentUrl}`);
      expect(written?.[0]).toBe('summarize_document');
      expect(JSON.parse(written?.[1] ?? '{}')).toMatchObject({
        document_id: '1',
        summary: 'Revenue grew 12% over the quarter.',
      });
      expect(result.consentUrl).toMatch(/^http:\/\/localhost:\d+\/consent\?code=/);
      expect(lines).toContain('the simulated person approved');
      expect(result.finalOutput).toBe('I saved a summary of the quarterly report.');
    } finally {
      if (previousKey !== undefined) process.env.OPENAI_API_KEY = previousKey;
    }
  });
});
