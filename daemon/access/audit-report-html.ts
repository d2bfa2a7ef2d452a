import type { AuditReport } from './audit-report.js';

const esc = (v: unknown): string =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const t = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)}Z`;

function table(headers: string[], rows: unknown[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A self-contained HTML page (no scripts, no external files) an auditor can read, print or file (424.5(e)). */
export function renderAuditReportHtml(r: AuditReport): string {
  const head = r.audit_head
    ? `<p>Head covered: entry ${r.audit_head.seq}, MAC <code>${esc(r.audit_head.mac ?? 'none (unkeyed)')}</code>; compare it with the head published on the unit's audit topic.</p>`
    : '';
  const notes = r.chain.notes.map((n) => `<p>${esc(n)}</p>`).join('');
  const chain = `${
    r.chain.ok
      ? `<p class="ok">Audit log intact: ${r.chain.entries} entries, ${r.chain.keyed ? 'MACs verified with the audit key' : 'structure only (no audit key)'}.</p>`
      : `<p class="bad">AUDIT LOG TAMPERED: ${esc(r.chain.message)}</p>`
  }${notes}${head}`;
  const sections: [string, string][] = [
    [
      'Searches and data access by user and purpose',
      table(
        ['User', 'Role', 'Purpose', 'Case / incident', 'Actions', 'Records returned', 'Refused'],
        r.searches_by_user_and_purpose.map((g) => [
          g.username,
          g.role,
          g.purpose_category ?? '(none)',
          g.case_number ?? '',
          Object.entries(g.actions)
            .map(([a, n]) => `${a} ×${n}`)
            .join(', '),
          g.results,
          g.refused,
        ]),
        'No searches in this period.',
      ),
    ],
    [
      'Refused requests',
      table(
        ['Time', 'User', 'Action', 'Reason'],
        r.refusals.map((x) => [x.at, x.username, x.action, x.reason]),
        'No refusals.',
      ),
    ],
    [
      'Hits and verification (policy 424.3(f))',
      `<p>${r.hits.total} hits: ${r.hits.confirmed} confirmed, ${r.hits.rejected} rejected, <strong>${r.hits.unverified} unverified</strong>.</p>` +
        table(
          ['Time', 'Verified by', 'Hit', 'Outcome', 'Bureau reference', 'Read at'],
          r.hits.verifications.map((v) => [v.at, v.username, v.hit_id, v.outcome, v.reference, v.read_position]),
          'No verifications recorded.',
        ) +
        table(
          ['Time', 'Reviewed by', 'Hit', 'Disposition', 'Action taken'],
          r.hits.dispositions.map((d) => [d.at, d.username, d.hit_id, d.disposition, d.action_taken]),
          'No dispositions recorded.',
        ),
    ],
    [
      'Views on the in-car page (policy 424.5(b))',
      table(
        ['Time', 'User', 'Purpose', 'Case', 'What', 'Hits', 'Reads', 'Crops'],
        r.page_views.map((v) => [
          v.at,
          v.username,
          v.purpose_category,
          v.case_number,
          v.kind,
          v.hits,
          v.reads,
          v.crops,
        ]),
        'Nothing was shown on the page.',
      ),
    ],
    [
      'Evidence holds',
      table(
        ['Hold', 'Case', 'Reason', 'Created by', 'Created', 'Scope', 'Released'],
        r.holds.map((h) => [
          h.id,
          h.caseNumber,
          h.reason,
          h.createdBy,
          t(h.createdAt),
          h.scope.kind === 'reads'
            ? `${h.scope.readIds.length} read(s)`
            : `plate ${h.scope.platePattern ?? 'any'}, camera ${h.scope.cameraId ?? 'any'}, ${t(h.scope.from)} – ${t(h.scope.to)}`,
          h.releasedAt ? `${t(h.releasedAt)} by ${h.releasedBy}: ${h.releaseReason}` : 'active',
        ]),
        'No holds created or released.',
      ),
    ],
    [
      'Holds to review: broad, long and overdue (424.4)',
      table(
        ['Hold', 'Case', 'Concern', 'Created by', 'Created', 'Approval', 'Review date'],
        [
          ...r.hold_concerns.broad.map((h) => [
            h.id,
            h.caseNumber,
            'broad range',
            h.createdBy,
            t(h.createdAt),
            h.approval,
            t(h.reviewAt),
          ]),
          ...r.hold_concerns.long.map((h) => [
            h.id,
            h.caseNumber,
            'open over a year',
            h.createdBy,
            t(h.createdAt),
            h.approval,
            t(h.reviewAt),
          ]),
          ...r.hold_concerns.overdue.map((h) => [
            h.id,
            h.caseNumber,
            'past its review date: lapsed',
            h.createdBy,
            t(h.createdAt),
            h.approval,
            t(h.reviewAt),
          ]),
        ],
        'No broad, long or overdue holds.',
      ),
    ],
    [
      'Purges (policy 424.4)',
      table(
        ['Run', 'Window (days)', 'Reads deleted', 'Crops', 'Hits', 'Kept under hold', 'Oldest remaining', 'Outcome'],
        r.purges.map((p) => [
          t(p.startedAt),
          p.windowDays,
          p.readsDeleted,
          p.cropsDeleted,
          p.hitsDeleted,
          p.keptUnderHold,
          t(p.oldestRemaining),
          p.outcome,
        ]),
        'No purge ran in this period: check the daemon.',
      ),
    ],
    [
      'Evidence exports',
      table(
        ['Time', 'User', 'Case', 'Step', 'Reads', 'Written to the drive', 'Detail'],
        r.exports.map((e) => [
          e.at,
          e.username,
          e.case_number ?? '',
          e.outcome,
          e.reads,
          e.written ?? '',
          JSON.stringify(e.detail),
        ]),
        'No exports.',
      ),
    ],
    [
      'Releases to other agencies',
      table(
        [
          'Time',
          'Recorded by',
          'Agency',
          'Level',
          'Officer',
          'Legal basis',
          'Case',
          'What',
          'County Attorney notified',
        ],
        r.releases.map((x) => [
          t(x.at),
          x.recordedBy,
          x.agency,
          x.agencyLevel,
          x.requestingOfficer,
          x.legalBasis,
          x.caseNumber,
          x.what,
          x.attorneyNotifiedBy ? `${x.attorneyNotifiedBy}, ${t(x.attorneyNotifiedAt)}` : '',
        ]),
        'No releases.',
      ),
    ],
    [
      'Records requests (policy 424.5(a))',
      table(
        ['#', 'Received', 'Requester', 'Organization', 'Request', 'Status', 'Handled by', 'Resolution'],
        r.records_requests.map((x) => [
          x.id,
          t(x.receivedAt),
          x.requester,
          x.organization,
          x.description,
          x.status,
          x.handledBy ?? '',
          x.resolution ?? '',
        ]),
        'No records requests.',
      ),
    ],
    [
      'Logins and lockouts',
      table(
        ['User', 'Logins', 'Failed', 'Lockouts'],
        r.logins.map((l) => [l.username, l.succeeded, l.failed, l.lockouts]),
        'No logins.',
      ) +
        table(
          ['Time', 'User', 'Locked until'],
          r.lockouts.map((l) => [l.at, l.username, l.locked_until]),
          'No lockouts.',
        ),
    ],
    [
      'Users whose training lapsed or is about to (policy 424.3(e))',
      table(
        ['User', 'Name', 'Role', 'Training expires', 'Status'],
        r.training_lapsed.map((u) => [u.username, u.full_name, u.role, u.expires_on ?? 'never trained', u.status]),
        'Every active user is trained.',
      ),
    ],
    [
      'Accounts that do not name one person (424.3(b))',
      table(
        ['User', 'Name', 'Role', 'Problem'],
        r.identity_incomplete.map((u) => [u.username, u.full_name, u.role, u.problem]),
        'Every active account names one person with an employee number.',
      ),
    ],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ALPR audit report ${esc(r.unit_id)} ${esc(r.from)} – ${esc(r.to)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eee}.ok{color:#060}.bad{color:#b00;font-weight:bold}.empty{color:#666}</style></head>
<body><h1>ALPR audit report</h1>
<p>Unit <strong>${esc(r.unit_id)}</strong>, period ${esc(r.from)} to ${esc(r.to)}. Generated ${esc(r.generated_at)} by ${esc(r.generated_by)} (policy 424.5(e)).</p>
<p>Unit key (signs evidence packages): SHA-256 <code>${esc(r.unit_key_sha256 ?? 'not loaded')}</code></p>
${chain}
${sections.map(([h, body]) => `<h2>${esc(h)}</h2>\n${body}`).join('\n')}
</body></html>
`;
}
