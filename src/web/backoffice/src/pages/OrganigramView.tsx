/**
 * The ownership organigram of a subject: its owners (persons and entities) above it, each edge
 * with the share held, UBO candidates marked (text and border, not colour alone), and the computed
 * effective (indirect) ownership of a node shown while it is hovered or has the keyboard focus,
 * in a live region too. The figures are the API's (GET /subjects/:id/ownership, computed over the
 * whole graph); the shares of edges above the first level come from each intermediate entity's
 * relationships. Laid out with dagre, drawn with React Flow (its CSS file goes through the build).
 * A table lists the same owners for those who prefer one.
 */
import dagre from '@dagrejs/dagre';
import {
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { createContext, useContext, useEffect, useMemo, useState, type FocusEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../ui/api.ts';
import { Alert } from '../../../ui/components.tsx';
import { formatNumber } from '../../../ui/i18n.ts';

export interface OwnershipView {
  subjectId: string;
  threshold: number;
  owners: {
    subjectId: string;
    hidden: boolean;
    kind?: string;
    displayName?: string;
    directPct: number;
    effectivePct: number;
    effectiveVotingPct: number;
    paths: string[][];
  }[];
  uboCandidates: { subjectId: string; effectivePct: number; reasons: string[] }[];
  cycles: string[][];
  truncated: boolean;
}

interface RelationshipItem {
  kind: string;
  direction: 'outgoing' | 'incoming';
  sharePct: number | null;
  counterpart: { id: string };
}

interface OrgNodeData extends Record<string, unknown> {
  id: string;
  label: string;
  kind: 'person' | 'entity' | 'hidden';
  target: boolean;
  ubo: boolean;
  directPct: number;
  effectivePct: number;
  effectiveVotingPct: number;
  /** What this node holds directly: [name, share or null when not visible]. */
  holds: { name: string; pct: number | null }[];
}

const NODE_W = 210;
const NODE_H = 72;

export const pct = (n: number) => formatNumber(n / 100, { style: 'percent', maximumFractionDigits: 2 });

/** The node that shows its figures (hovered or focused). */
const ActiveNode = createContext<string | null>(null);

function OrganigramNode(props: NodeProps<Node<OrgNodeData>>) {
  const { t } = useTranslation('subjects');
  const active = useContext(ActiveNode) === props.id;
  const d = props.data;
  return (
    <div
      className={[
        'organigram-node',
        `organigram-node-${d.kind}`,
        d.ubo ? 'organigram-node-ubo' : '',
        d.target ? 'organigram-node-target' : '',
      ].join(' ')}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="organigram-kind">
        {t(`organigram.kind.${d.kind}`)}
        {d.ubo ? <span className="organigram-badge">{t('organigram.ubo')}</span> : null}
      </span>
      <span className="organigram-name">{d.label}</span>
      {active && !d.target ? (
        <span className="organigram-tip" aria-hidden="true">
          {t('organigram.tip', { effective: pct(d.effectivePct), voting: pct(d.effectiveVotingPct) })}
        </span>
      ) : null}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { owner: OrganigramNode };

/** Positions the nodes top-down (owners above what they own) with dagre. */
function layout(nodes: Node<OrgNodeData>[], edges: Edge[]): Node<OrgNodeData>[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 80, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, position: { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 } };
  });
}

export function OrganigramView(props: { subjectId: string; subjectName: string; subjectKind: string }) {
  const { t } = useTranslation('subjects');
  const [ownership, setOwnership] = useState<OwnershipView | null>(null);
  const [shares, setShares] = useState<Map<string, number>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const view = await api<OwnershipView>(`/api/v1/subjects/${props.subjectId}/ownership`);
        // The share on an edge owner → owned: the target's owners carry it (directPct); an
        // intermediate entity's come from its own relationships (when it is visible).
        const known = new Map<string, number>();
        for (const o of view.owners)
          if (o.directPct > 0) known.set(`${o.subjectId}>${view.subjectId}`, o.directPct);
        const hidden = new Set(view.owners.filter((o) => o.hidden).map((o) => o.subjectId));
        const intermediates = new Set<string>();
        for (const o of view.owners)
          for (const path of o.paths)
            for (const id of path.slice(1, -1)) if (!hidden.has(id)) intermediates.add(id);
        await Promise.all(
          [...intermediates].map(async (id) => {
            const rel = await api<{ items: RelationshipItem[] }>(`/api/v1/subjects/${id}/relationships`);
            for (const r of rel.items)
              if (r.kind === 'shareholder' && r.direction === 'incoming' && r.sharePct !== null)
                known.set(`${r.counterpart.id}>${id}`, r.sharePct);
          }),
        );
        if (!cancelled) {
          setShares(known);
          setOwnership(view);
        }
      } catch {
        if (!cancelled) setError(t('organigram.failed'));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [props.subjectId, t]);

  const graph = useMemo(() => {
    if (!ownership) return null;
    const ubo = new Set(ownership.uboCandidates.map((c) => c.subjectId));
    const byId = new Map(ownership.owners.map((o) => [o.subjectId, o]));
    const nameOf = (id: string) =>
      id === ownership.subjectId
        ? props.subjectName
        : byId.get(id)?.hidden
          ? t('organigram.hiddenOwner')
          : (byId.get(id)?.displayName ?? '');
    const edgeKeys = new Set<string>();
    for (const o of ownership.owners)
      for (const path of o.paths)
        for (let i = 0; i + 1 < path.length; i++) edgeKeys.add(`${path[i]}>${path[i + 1]}`);
    const holds = new Map<string, { name: string; pct: number | null }[]>();
    for (const key of edgeKeys) {
      const [from, to] = key.split('>') as [string, string];
      holds.set(from, [...(holds.get(from) ?? []), { name: nameOf(to), pct: shares.get(key) ?? null }]);
    }
    const nodeOf = (id: string): Node<OrgNodeData> => {
      const o = byId.get(id);
      const target = id === ownership.subjectId;
      const kind = target
        ? (props.subjectKind as 'person' | 'entity')
        : o?.hidden
          ? 'hidden'
          : o?.kind === 'person'
            ? 'person'
            : 'entity';
      const data: OrgNodeData = {
        id,
        label: nameOf(id),
        kind,
        target,
        ubo: ubo.has(id),
        directPct: o?.directPct ?? 0,
        effectivePct: o?.effectivePct ?? 0,
        effectiveVotingPct: o?.effectiveVotingPct ?? 0,
        holds: holds.get(id) ?? [],
      };
      return {
        id,
        type: 'owner',
        position: { x: 0, y: 0 },
        data,
        width: NODE_W,
        height: NODE_H,
        ariaLabel: target
          ? t('organigram.targetLabel', { name: data.label })
          : t('organigram.nodeLabel', {
              name: data.label,
              kind: t(`organigram.kind.${kind}`),
              ubo: data.ubo ? t('organigram.uboSuffix') : '',
              effective: pct(data.effectivePct),
              target: props.subjectName,
            }),
      };
    };
    const nodes = [ownership.subjectId, ...ownership.owners.map((o) => o.subjectId)].map(nodeOf);
    const edges: Edge[] = [...edgeKeys].map((key) => {
      const [from, to] = key.split('>') as [string, string];
      const share = shares.get(key);
      return {
        id: key,
        source: from,
        target: to,
        type: 'smoothstep',
        label: share === undefined ? '?' : pct(share),
        markerEnd: { type: MarkerType.ArrowClosed },
        focusable: false,
        ariaLabel: t('organigram.edgeLabel', {
          owner: nameOf(from),
          share: share === undefined ? '?' : pct(share),
          owned: nameOf(to),
        }),
      };
    });
    return { nodes: layout(nodes, edges), edges, byId: new Map(nodes.map((n) => [n.id, n.data])) };
  }, [ownership, shares, props.subjectName, props.subjectKind, t]);

  if (error) return <Alert kind="error">{error}</Alert>;
  if (!ownership || !graph) return <p role="status">{t('loading')}</p>;
  if (ownership.owners.length === 0) return <p>{t('organigram.noOwners')}</p>;

  const activeData = active ? graph.byId.get(active) : undefined;
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const el = (e.target as HTMLElement).closest('.react-flow__node');
    setActive(el?.getAttribute('data-id') ?? null);
  };
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    const next = e.relatedTarget as HTMLElement | null;
    if (!next?.closest('.react-flow__node')) setActive(null);
  };
  return (
    <>
      <p className="hint" id="organigram-help">
        {t('organigram.help', { threshold: pct(ownership.threshold) })}
      </p>
      <div className="organigram-canvas" onFocus={onFocus} onBlur={onBlur}>
        <ActiveNode.Provider value={active}>
          <ReactFlow
            nodes={graph.nodes}
            edges={graph.edges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={{ padding: 0.15 }}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            zoomOnScroll={false}
            preventScrolling={false}
            minZoom={0.3}
            onNodeMouseEnter={(_e, n) => setActive(n.id)}
            onNodeMouseLeave={() => setActive(null)}
            aria-label={t('organigram.label', { name: props.subjectName })}
            aria-describedby="organigram-help"
          >
            <Controls showInteractive={false} />
          </ReactFlow>
        </ActiveNode.Provider>
      </div>
      <p className="organigram-detail" aria-live="polite" data-testid="organigram-detail">
        {activeData && !activeData.target
          ? [
              t('organigram.detail', {
                name: activeData.label,
                effective: pct(activeData.effectivePct),
                direct: pct(activeData.directPct),
                indirect: pct(Math.max(0, activeData.effectivePct - activeData.directPct)),
                voting: pct(activeData.effectiveVotingPct),
                target: props.subjectName,
              }),
              ...activeData.holds.map((h) =>
                t('organigram.holds', { share: h.pct === null ? '?' : pct(h.pct), name: h.name }),
              ),
              activeData.ubo ? t('organigram.isUbo') : '',
            ]
              .filter(Boolean)
              .join(' ')
          : t('organigram.focusHint')}
      </p>
      {ownership.truncated ? <Alert kind="info">{t('organigram.truncated')}</Alert> : null}
      {ownership.cycles.length > 0 ? <Alert kind="info">{t('organigram.cycles')}</Alert> : null}
      <div className="table-wrap">
        <table>
          <caption className="organigram-caption">{t('organigram.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('organigram.owner')}</th>
              <th scope="col">{t('organigram.direct')}</th>
              <th scope="col">{t('organigram.effective')}</th>
              <th scope="col">{t('organigram.voting')}</th>
            </tr>
          </thead>
          <tbody>
            {ownership.owners.map((o) => {
              const d = graph.byId.get(o.subjectId)!;
              return (
                <tr key={o.subjectId}>
                  <th scope="row">
                    {d.label} ({t(`organigram.kind.${d.kind}`)})
                    {d.ubo ? <span className="organigram-badge">{t('organigram.ubo')}</span> : null}
                  </th>
                  <td>{pct(o.directPct)}</td>
                  <td>{pct(o.effectivePct)}</td>
                  <td>{pct(o.effectiveVotingPct)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
