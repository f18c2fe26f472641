import { describe, expect, it } from 'vitest';
import { renderConsentPage, renderInboxPage, renderMessagePage } from './consent-page.js';

const view = {
  kind: 'auth-token' as const,
  personName: 'Ada <admin>',
  code: 'ABCD-EFGH',
  csrf: 'csrf"token',
  agentId: 'aauth:bot@agents.example',
  agentProvider: 'https://agents.example',
  resource: 'https://docs.example',
  resourceName: 'Docs <b>API</b>',
  scope: 'read write',
  scopeDescriptions: { read: 'Read "everything"', write: 'Write & <i>delete</i>' },
  justification: '<img src=x onerror=alert(1)> please',
  clarification: { question: 'Why?', answer: '</div><script>steal()</script>' },
  expiresInSeconds: 300,
};

describe('consent page HTML', () => {
  const html = renderConsentPage(view, 'NONCE');

  it('escapes every value it shows', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>API</b>');
    expect(html).not.toContain('<i>delete</i>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; please');
    expect(html).toContain('value="csrf&quot;token"');
    expect(html).toContain('Ada &lt;admin&gt;');
  });

  it('loads nothing from elsewhere and styles only through the nonce', () => {
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<style nonce="NONCE">');
  });

  it('keeps resource-asserted and agent-asserted content in separate, labelled blocks', () => {
    const resourceStart = html.indexOf('data-testid="resource-asserted"');
    const agentStart = html.indexOf('data-testid="agent-asserted"');
    expect(resourceStart).toBeGreaterThan(0);
    expect(agentStart).toBeGreaterThan(resourceStart);
    const resourceBlock = html.slice(resourceStart, agentStart);
    expect(resourceBlock).toContain('Read &quot;everything&quot;');
    expect(resourceBlock).not.toContain('please');
    expect(html.slice(agentStart)).toContain('Stated by the agent — not verified');
  });

  it('posts the decision with the code and CSRF token', () => {
    expect(html).toContain('<form method="post" action="consent">');
    expect(html).toContain('name="code" value="ABCD-EFGH"');
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="deny"');
  });

  it('omits the agent block when the agent said nothing', () => {
    const quiet = renderConsentPage({ ...view, justification: undefined, clarification: undefined }, 'N');
    expect(quiet).not.toContain('data-testid="agent-asserted"');
  });

  it('renders message and inbox pages with escaping', () => {
    expect(renderMessagePage('<t>', '<m>', { mark: '✓' }, 'N')).toContain('&lt;t&gt;');
    const inbox = renderInboxPage(
      'P',
      [{ code: 'AB"CD', resource: 'https://r', agentId: 'aauth:a@b', kind: 'auth-token' }],
      'N',
    );
    expect(inbox).toContain('consent?code=AB%22CD');
    expect(inbox).toContain('AB&quot;CD');
  });
});
