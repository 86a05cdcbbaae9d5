/** Weighted directed edges: from → (to → weight). */
export type WeightedGraph = Map<string, Map<string, number>>;

const DAMPING = 0.85;
const ITERATIONS = 40;
const TOLERANCE = 1e-9;

/**
 * Personalised PageRank by power iteration. The random surfer restarts (and
 * leaves dangling nodes) according to `personalization`, so rank flows toward
 * the nodes the task is about and whatever they depend on.
 */
export function pageRank(
  nodes: string[],
  graph: WeightedGraph,
  personalization: Map<string, number> = new Map(),
): Map<string, number> {
  const count = nodes.length;
  if (count === 0) return new Map();
  const restart = restartDistribution(nodes, personalization);
  const outWeight = new Map<string, number>();
  for (const [from, edges] of graph) {
    let total = 0;
    for (const weight of edges.values()) total += weight;
    outWeight.set(from, total);
  }
  let rank = new Map(restart);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const next = new Map<string, number>();
    let dangling = 0;
    for (const node of nodes) {
      const mass = rank.get(node) ?? 0;
      const total = outWeight.get(node) ?? 0;
      if (total === 0) {
        dangling += mass;
        continue;
      }
      for (const [to, weight] of graph.get(node)!) {
        next.set(to, (next.get(to) ?? 0) + (DAMPING * mass * weight) / total);
      }
    }
    let delta = 0;
    for (const node of nodes) {
      const value = (next.get(node) ?? 0) + (1 - DAMPING + DAMPING * dangling) * (restart.get(node) ?? 0);
      delta += Math.abs(value - (rank.get(node) ?? 0));
      next.set(node, value);
    }
    rank = next;
    if (delta < TOLERANCE) break;
  }
  return rank;
}

function restartDistribution(nodes: string[], personalization: Map<string, number>): Map<string, number> {
  let total = 0;
  for (const node of nodes) total += personalization.get(node) ?? 0;
  if (total === 0) return new Map(nodes.map((node) => [node, 1 / nodes.length]));
  return new Map(nodes.map((node) => [node, (personalization.get(node) ?? 0) / total]));
}
