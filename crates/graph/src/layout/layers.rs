//! The layered graph built from a ranking: a dummy vertex wherever an edge crosses a rank, so
//! that every edge becomes a chain of one-rank links, and a first left-to-right order per rank.

use super::rank::Ranking;

/// One vertex of the layered graph: a node of the scope (the first ones) or a dummy on a long edge.
pub(super) struct Vertex {
    /// Its width (a node's size, or a thin dummy).
    pub width: f64,
    /// Its height (0 for a dummy).
    pub height: f64,
    /// Its rank.
    pub rank: usize,
    /// Its horizontal centre, once positioned.
    pub x: f64,
}

/// The second phase's output.
pub(super) struct Layered {
    /// How many of the vertices are the scope's nodes (the first ones, in the graph's order).
    pub node_count: usize,
    /// The nodes, then the dummies.
    pub vertices: Vec<Vertex>,
    /// Per edge: the vertices it passes through, source first, target last.
    pub chains: Vec<Vec<usize>>,
    /// Per rank: its vertices, left to right.
    pub layers: Vec<Vec<usize>>,
    /// Every chain's links between adjacent ranks, upper vertex first.
    pub links: Vec<(usize, usize)>,
}

/// Build the layered graph of nodes of the given `sizes` (width, height) joined by `edges`,
/// ranked by `ranking`; the first order of each rank is depth-first from `start`.
pub(super) fn layer(
    sizes: &[(f64, f64)],
    edges: &[(usize, usize)],
    ranking: &Ranking,
    start: usize,
) -> Layered {
    let (rank, back) = (&ranking.rank, &ranking.back);
    let n = sizes.len();
    let mut vertices: Vec<Vertex> = (0..n)
        .map(|i| Vertex {
            width: sizes[i].0,
            height: sizes[i].1,
            rank: rank[i],
            x: 0.0,
        })
        .collect();
    let with_dummies = dummy_budget(edges, rank);
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for (i, &(from, to)) in edges.iter().enumerate() {
        let mut chain = vec![from];
        // Long edges get a dummy per rank they cross: downwards for forward edges, upwards
        // for loops, which thereby take part in crossing reduction like any other edge.
        let crossed: Vec<usize> = match (from == to || !with_dummies[i], back[i]) {
            (true, _) => Vec::new(),
            (false, false) => (rank[from] + 1..rank[to]).collect(),
            (false, true) => (rank[to] + 1..rank[from]).rev().collect(),
        };
        for r in crossed {
            vertices.push(Vertex {
                width: 8.0,
                height: 0.0,
                rank: r,
                x: 0.0,
            });
            chain.push(vertices.len() - 1);
        }
        chain.push(to);
        chains.push(chain);
    }
    let ranks = rank.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for v in dfs_order(n, edges, start)
        .into_iter()
        .chain(n..vertices.len())
    {
        layers[vertices[v].rank].push(v);
    }
    let links: Vec<(usize, usize)> = chains
        .iter()
        .filter(|chain| chain[0] != chain[chain.len() - 1])
        .flat_map(|chain| {
            chain.windows(2).map(|w| {
                if vertices[w[0]].rank < vertices[w[1]].rank {
                    (w[0], w[1])
                } else {
                    (w[1], w[0])
                }
            })
        })
        .collect();
    Layered {
        node_count: n,
        vertices,
        chains,
        layers,
        links,
    }
}

/// The most dummies a layered graph gets: thousands of states with edges across thousands of
/// ranks would otherwise need millions, and crossing reduction works on every one.
pub(super) const MAX_DUMMIES: usize = 20_000;

/// Which edges get their dummies: all of them while they fit [`MAX_DUMMIES`], else the
/// shortest first; the others are drawn straight from end to end.
fn dummy_budget(edges: &[(usize, usize)], rank: &[usize]) -> Vec<bool> {
    let crossed = |&(from, to): &(usize, usize)| rank[from].abs_diff(rank[to]).saturating_sub(1);
    let mut by_length: Vec<usize> = (0..edges.len()).collect();
    by_length.sort_by_key(|&i| crossed(&edges[i]));
    let mut with_dummies = vec![false; edges.len()];
    let mut left = MAX_DUMMIES;
    for i in by_length {
        let Some(rest) = left.checked_sub(crossed(&edges[i])) else {
            break;
        };
        left = rest;
        with_dummies[i] = true;
    }
    with_dummies
}

/// Nodes in depth-first discovery order from `start`: a natural initial left-to-right order.
fn dfs_order(n: usize, edges: &[(usize, usize)], start: usize) -> Vec<usize> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to) in edges {
        out_edges[from].push(to);
    }
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in std::iter::once(start).chain(0..n) {
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut seen[v], true) {
                continue;
            }
            order.push(v);
            stack.extend(out_edges[v].iter().rev().filter(|&&w| !seen[w]));
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::layer;
    use crate::layout::rank::rank;

    #[test]
    fn long_edges_and_loops_become_chains_of_one_rank_links() {
        // 0 -> 1 -> 2 -> 3, a shortcut 0 -> 3 and a loop 3 -> 1.
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3), (3, 1)];
        let layered = layer(&[(100.0, 38.0); 4], &edges, &rank(4, &edges, 0), 0);
        assert_eq!(layered.node_count, 4);
        // The shortcut crosses ranks 1 and 2 (dummies 4, 5); the loop rank 2 going up (6).
        assert_eq!(layered.chains[3], vec![0, 4, 5, 3]);
        assert_eq!(layered.chains[4], vec![3, 6, 1]);
        assert_eq!(
            layered.layers,
            vec![vec![0], vec![1, 4], vec![2, 5, 6], vec![3]]
        );
        for &(upper, lower) in &layered.links {
            let ranks = (layered.vertices[upper].rank, layered.vertices[lower].rank);
            assert_eq!(ranks.0 + 1, ranks.1, "link {upper}-{lower} spans one rank");
        }
        assert_eq!(layered.links.len(), 3 + 3 + 2);
    }

    #[test]
    fn dummies_stop_at_the_budget_and_the_other_long_edges_go_straight() {
        // A path of 1,000 nodes with an edge back from each to the start: 500,000 dummies.
        let n = 1_000;
        let mut edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        edges.extend((2..n).map(|i| (i, 0)));
        let layered = layer(&vec![(100.0, 38.0); n], &edges, &rank(n, &edges, 0), 0);
        let dummies = layered.vertices.len() - layered.node_count;
        assert!(dummies <= super::MAX_DUMMIES, "{dummies} dummies");
        assert!(dummies > super::MAX_DUMMIES - n, "the budget is used");
        for (chain, &(from, to)) in layered.chains.iter().zip(&edges) {
            assert_eq!((chain[0], chain[chain.len() - 1]), (from, to));
        }
        // The shortest loops keep their dummies, the longest go straight.
        assert_eq!(layered.chains[n - 1].len(), 3);
        assert_eq!(layered.chains[edges.len() - 1].len(), 2);
    }
}
