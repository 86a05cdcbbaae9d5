/**
 * Nodes linked through hubs: node n's edges (start[n] to start[n + 1]) each
 * lead to a hub with a weight, and a hub shares what reaches it equally among
 * its targets (hubStart[h] to hubStart[h + 1] in hubTo). Hubs hold no rank of
 * their own: they only route it.
 */
export interface HubGraph {
  start: Uint32Array;
  hub: Uint32Array;
  weight: Float64Array;
  hubStart: Uint32Array;
  hubTo: Uint32Array;
}

const DAMPING = 0.85;
const ITERATIONS = 40;
const TOLERANCE = 1e-9;

/**
 * Personalised PageRank by power iteration. The random surfer restarts (and
 * leaves dangling nodes) according to `personalization` (non-negative
 * weights, all equal when they sum to zero), so rank flows toward the nodes
 * the task is about and whatever they depend on. `weight` overrides the
 * graph's edge weights (a focus makes some heavier); `start` is where the
 * iteration begins, and the unpersonalised rank is close to most personalised ones.
 */
export function pageRank(
  graph: HubGraph,
  personalization: Float64Array,
  weight: Float64Array = graph.weight,
  start?: Float64Array,
): Float64Array {
  const count = personalization.length;
  if (count === 0) return new Float64Array(0);
  const restart = restartDistribution(personalization);
  const hubCount = graph.hubStart.length - 1;
  const outTotal = outWeights(graph, weight);
  let rank = Float64Array.from(start ?? restart);
  let next = new Float64Array(count);
  const hubMass = new Float64Array(hubCount);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    next.fill(0);
    hubMass.fill(0);
    let danglingMass = 0;
    for (let node = 0; node < count; node++) {
      const total = outTotal[node]!;
      if (total === 0) {
        danglingMass += rank[node]!;
        continue;
      }
      const share = (DAMPING * rank[node]!) / total;
      for (let e = graph.start[node]!; e < graph.start[node + 1]!; e++)
        hubMass[graph.hub[e]!]! += share * weight[e]!;
    }
    for (let hub = 0; hub < hubCount; hub++) {
      const first = graph.hubStart[hub]!;
      const end = graph.hubStart[hub + 1]!;
      const each = hubMass[hub]! / (end - first);
      for (let t = first; t < end; t++) next[graph.hubTo[t]!]! += each;
    }
    let delta = 0;
    const restartMass = 1 - DAMPING + DAMPING * danglingMass;
    for (let node = 0; node < count; node++) {
      next[node] = next[node]! + restartMass * restart[node]!;
      delta += Math.abs(next[node]! - rank[node]!);
    }
    [rank, next] = [next, rank];
    if (delta < TOLERANCE) break;
  }
  return rank;
}

/** Each node's total edge weight: what its rank is shared in proportion to. */
export function outWeights(graph: HubGraph, weight: Float64Array): Float64Array {
  const count = graph.start.length - 1;
  const total = new Float64Array(count);
  for (let node = 0; node < count; node++)
    for (let e = graph.start[node]!; e < graph.start[node + 1]!; e++) total[node]! += weight[e]!;
  return total;
}

function restartDistribution(personalization: Float64Array): Float64Array {
  let total = 0;
  for (const weight of personalization) total += weight;
  if (total === 0) return new Float64Array(personalization.length).fill(1 / personalization.length);
  return personalization.map((weight) => weight / total);
}
