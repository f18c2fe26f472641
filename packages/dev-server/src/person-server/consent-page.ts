/**
 * HTML of the consent pages. Self-contained (no external assets, one inline stylesheet allowed by a CSP
 * nonce, no scripts), every dynamic value escaped. Resource-asserted content (from the resource's
 * metadata and its signed resource token) is shown apart from agent-asserted content (justification,
 * clarification answers), which is attributed to the agent (P11 #consent-presentation).
 */
import { escapeHtml } from '../util/html.js';
import { scopeTokens } from './policy.js';

export interface ConsentView {
  kind: 'person-token' | 'auth-token';
  personName: string;
  code: string;
  csrf: string;
  agentId: string;
  agentProvider: string;
  resource: string;
  resourceName?: string;
  resourceDescription?: string;
  scope?: string;
  scopeDescriptions?: Record<string, string>;
  justification?: string;
  clarification?: { question: string; answer?: string };
  /** Seconds left before the request expires. */
  expiresInSeconds: number;
}

const STYLE = `
:root{color-scheme:light;--ink:#1d2430;--muted:#5b6577;--line:#d9dee7;--bg:#f3f5f9;--card:#fff;
--res:#e8f1ff;--res-line:#9cc0f5;--agent:#fff6e5;--agent-line:#f0c36b;--ok:#1f7a44;--no:#b3261e}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--ink);background:var(--bg)}main{max-width:640px;margin:32px auto;padding:0 16px}
.banner{font-size:13px;color:var(--muted);display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px;
margin-bottom:12px}.banner>span:first-child{white-space:nowrap}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:2px 8px;border-radius:999px;background:#fde7e7;
color:var(--no);letter-spacing:.02em}.card{background:var(--card);border:1px solid var(--line);border-radius:12px;
padding:24px;box-shadow:0 1px 2px rgba(16,24,40,.05)}h1{font-size:22px;line-height:1.3;margin:0 0 8px}
.lead{color:var(--muted);margin:0 0 16px}.code{font:600 20px/1 ui-monospace,SFMono-Regular,Menlo,monospace;
letter-spacing:.12em;background:var(--bg);border:1px dashed var(--line);border-radius:8px;padding:10px 14px;
display:inline-block}.hint{font-size:13px;color:var(--muted);margin:6px 0 20px}section{border-radius:10px;
padding:14px 16px;margin:14px 0;border:1px solid}section h2{font-size:13px;text-transform:uppercase;
letter-spacing:.06em;margin:0 0 8px;color:var(--muted)}.resource{background:var(--res);border-color:var(--res-line)}
.agent{background:var(--agent);border-color:var(--agent-line)}.who{background:#f7f8fa;border-color:var(--line)}
dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:4px 12px}dt{color:var(--muted)}dd{margin:0;
overflow-wrap:anywhere}ul{margin:6px 0 0;padding-left:20px}code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;
font-size:14px}.said{white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0 0;background:rgba(255,255,255,.6);
border-radius:6px;padding:8px 10px}.attribution{font-size:13px;color:var(--muted)}.actions{display:flex;gap:12px;
margin-top:22px}button{font:inherit;font-weight:600;border-radius:8px;padding:10px 22px;cursor:pointer;border:1px solid}
.approve{background:var(--ok);border-color:var(--ok);color:#fff}.deny{background:#fff;border-color:var(--no);
color:var(--no)}.foot{font-size:13px;color:var(--muted);margin-top:16px}.result{text-align:center}
.result .mark{font-size:40px}label{display:block;font-weight:600;margin-bottom:6px}input[type=text]{font:inherit;
padding:8px 10px;border:1px solid var(--line);border-radius:8px;width:100%;max-width:260px}
`;

export interface RenderedPage {
  html: string;
  /** The CSP nonce the page's stylesheet uses (for the Content-Security-Policy header). */
  nonce: string;
}

function layout(title: string, personName: string | undefined, body: string, nonce: string): string {
  const signedIn =
    personName === undefined
      ? ''
      : `<span>Signed in as <strong>${escapeHtml(personName)}</strong> (automatic development sign-in)</span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body><main><div class="banner"><span><span class="badge">DEV ONLY</span> aauth-kit dev Person Server</span>${signedIn}</div>
${body}
</main></body></html>`;
}

function describeScopes(scope: string | undefined, descriptions: Record<string, string> | undefined): string {
  const tokens = scopeTokens(scope);
  if (tokens.length === 0) return '<dd>(no scope named)</dd>';
  const items = tokens.map((token) => {
    const description = descriptions?.[token];
    return `<li><code>${escapeHtml(token)}</code>${description === undefined ? '' : ` — ${escapeHtml(description)}`}</li>`;
  });
  return `<dd><ul>${items.join('')}</ul></dd>`;
}

function minutes(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? 'about a minute' : `${m} minutes`;
}

/** The consent page for one pending request. */
export function renderConsentPage(view: ConsentView, nonce: string): string {
  const resourceLabel = view.resourceName ?? view.resource;
  const title =
    view.kind === 'auth-token'
      ? `An agent asks for access to ${resourceLabel}`
      : `An agent asks to act as you at ${resourceLabel}`;
  const lead =
    view.kind === 'auth-token'
      ? 'If you approve, the agent gets an auth token for the permissions below, for at most one hour.'
      : 'If you approve, the agent can prove to this resource that it acts for you. The resource sees an identifier for you that is unique to it.';

  const resourceRows = [
    `<dt>Resource</dt><dd><strong>${escapeHtml(resourceLabel)}</strong></dd>`,
    `<dt>Identifier</dt><dd><code>${escapeHtml(view.resource)}</code></dd>`,
  ];
  if (view.resourceDescription !== undefined) {
    resourceRows.push(`<dt>About</dt><dd>${escapeHtml(view.resourceDescription)}</dd>`);
  }
  if (view.kind === 'auth-token') {
    resourceRows.push(`<dt>Permissions</dt>${describeScopes(view.scope, view.scopeDescriptions)}`);
  }

  const agentSaid: string[] = [];
  if (view.justification !== undefined) {
    agentSaid.push(`<p class="attribution">The agent says why it needs this:</p>
<div class="said" data-testid="justification">${escapeHtml(view.justification)}</div>`);
  }
  if (view.clarification !== undefined) {
    agentSaid.push(`<p class="attribution">The Person Server asked the agent:</p>
<div class="said">${escapeHtml(view.clarification.question)}</div>
<p class="attribution">The agent answered:</p>
<div class="said" data-testid="clarification-answer">${escapeHtml(view.clarification.answer ?? '(no answer)')}</div>`);
  }
  const agentBlock =
    agentSaid.length === 0
      ? ''
      : `<section class="agent" data-testid="agent-asserted"><h2>Stated by the agent — not verified</h2>${agentSaid.join('\n')}</section>`;

  const body = `<div class="card">
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(lead)}</p>
<div class="code" data-testid="code">${escapeHtml(view.code)}</div>
<p class="hint">Approve only if your agent shows this same code.</p>
<section class="who" data-testid="agent-identity"><h2>Who is asking</h2><dl>
<dt>Agent</dt><dd><code>${escapeHtml(view.agentId)}</code></dd>
<dt>Vouched for by</dt><dd><code>${escapeHtml(view.agentProvider)}</code> (its Agent Provider)</dd>
</dl></section>
<section class="resource" data-testid="resource-asserted"><h2>From the resource</h2><dl>${resourceRows.join('')}</dl></section>
${agentBlock}
<form method="post" action="consent">
<input type="hidden" name="code" value="${escapeHtml(view.code)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<div class="actions">
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="foot">This request expires in ${minutes(view.expiresInSeconds)}.</p>
</div>`;
  return layout(title, view.personName, body, nonce);
}

/** A short outcome or error page. */
export function renderMessagePage(
  title: string,
  message: string,
  options: { personName?: string; mark?: string },
  nonce: string,
): string {
  const mark =
    options.mark === undefined
      ? ''
      : `<div class="mark" aria-hidden="true">${escapeHtml(options.mark)}</div>`;
  const body = `<div class="card result">${mark}<h1>${escapeHtml(title)}</h1><p class="lead">${escapeHtml(message)}</p></div>`;
  return layout(title, options.personName, body, nonce);
}

export interface InboxItem {
  code: string;
  resource: string;
  agentId: string;
  kind: 'person-token' | 'auth-token';
}

/** `/consent` without a code: a code entry form and the requests waiting for the person. */
export function renderInboxPage(personName: string, items: readonly InboxItem[], nonce: string): string {
  const list =
    items.length === 0
      ? '<p class="lead">Nothing is waiting for you.</p>'
      : `<ul>${items
          .map(
            (item) =>
              `<li><a href="consent?code=${encodeURIComponent(item.code)}"><code>${escapeHtml(item.code)}</code></a> — ${escapeHtml(
                item.kind === 'auth-token' ? 'access to' : 'act as you at',
              )} <code>${escapeHtml(item.resource)}</code> for <code>${escapeHtml(item.agentId)}</code></li>`,
          )
          .join('')}</ul>`;
  const body = `<div class="card"><h1>Enter the code your agent shows</h1>
<form method="get" action="consent"><label for="code">Code</label>
<input id="code" type="text" name="code" autocomplete="off" spellcheck="false" placeholder="XXXX-XXXX">
<div class="actions"><button class="approve" type="submit">Continue</button></div></form>
<section class="who"><h2>Waiting for you</h2>${list}</section></div>`;
  return layout('Dev Person Server', personName, body, nonce);
}
