/**
 * What the person sees when a call needs their consent: the interaction URL, the code (for typing it in
 * at the bare URL), and a QR code of the URL for a phone, when someone is watching the terminal.
 */
import type { Interaction } from '@aauth-kit/core';
import { toString as qrToString } from 'qrcode';
import type { TextSink } from './io.js';

/** The QR code of `url` drawn with half-block characters (two modules per character). */
export function terminalQrCode(url: string): Promise<string> {
  return qrToString(url, { type: 'terminal', small: true });
}

function what(interaction: Interaction): string {
  const scope = interaction.scope.length === 0 ? '' : ` (scope: ${interaction.scope.join(' ')})`;
  return `${interaction.resource}${scope}`;
}

/** Prints the consent request; the QR code only when `qr` (a terminal, or --qr). */
export async function printInteraction(
  interaction: Interaction,
  out: TextSink,
  options: { qr: boolean },
): Promise<void> {
  if (interaction.interactionUrl === undefined) {
    out.write(
      `Consent needed for ${what(interaction)}: the person approves it at their Person Server (nothing to open here).\n`,
    );
    return;
  }
  const lines = [
    `Consent needed for ${what(interaction)}. Ask the person to open:`,
    `  ${interaction.interactionUrl}`,
  ];
  if (interaction.code !== undefined) {
    lines.push(
      `  code: ${interaction.code}${interaction.url ? `  (or enter it at ${interaction.url})` : ''}`,
    );
  }
  out.write(`${lines.join('\n')}\n`);
  if (options.qr) out.write(await terminalQrCode(interaction.interactionUrl));
}
