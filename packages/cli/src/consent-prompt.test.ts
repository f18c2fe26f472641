import type { Interaction } from '@aauth-kit/core';
import { describe, expect, it } from 'vitest';
import { printInteraction, terminalQrCode } from './consent-prompt.js';

const interaction: Interaction = {
  kind: 'interaction',
  interactionUrl: 'https://ps.example/consent?code=ABCD-EFGH',
  url: 'https://ps.example/consent',
  code: 'ABCD-EFGH',
  resource: 'https://api.example',
  scope: ['documents.write'],
  expiresAt: Date.now() + 60_000,
  server: 'person-server',
  pendingId: 'p1',
};

function sink() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe('consent prompt', () => {
  it('shows the interaction URL, the code and where to enter it', async () => {
    const out = sink();
    await printInteraction(interaction, out, { qr: false });
    expect(out.text()).toBe(
      'Consent needed for https://api.example (scope: documents.write). Ask the person to open:\n' +
        '  https://ps.example/consent?code=ABCD-EFGH\n' +
        '  code: ABCD-EFGH  (or enter it at https://ps.example/consent)\n',
    );
  });

  it('adds the QR code of the interaction URL when asked', async () => {
    const out = sink();
    await printInteraction(interaction, out, { qr: true });
    const qr = await terminalQrCode(interaction.interactionUrl!);
    expect(qr).toMatch(/[▀▄█]/);
    expect(out.text().endsWith(qr)).toBe(true);
  });

  it('says there is nothing to open for an approval-only consent', async () => {
    const out = sink();
    const { interactionUrl: _u, url: _v, code: _c, ...rest } = interaction;
    await printInteraction({ ...rest, kind: 'approval', scope: [] }, out, { qr: true });
    expect(out.text()).toBe(
      'Consent needed for https://api.example: the person approves it at their Person Server (nothing to open here).\n',
    );
  });
});
