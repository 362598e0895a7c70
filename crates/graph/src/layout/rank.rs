//! Cycle breaking and ranking: which edges close a loop, and on which rank (layer) each node
//! sits so that every other edge points downwards.

/// The first phase's output, for the nodes and edges of one scope.
pub(super) struct Ranking {
    /// Per edge: does it close a cycle (a loop, drawn upwards)?
    pub back: Vec<bool>,
    /// Per node: its rank, 0 at the top.
    pub rank: Vec<usize>,
}

/// Rank `node_count` nodes joined by `edges` (index pairs, `from` first): a depth-first search
/// from `start` marks the back edges, and every node then goes one rank below its lowest
/// predecessor over the remaining edges (longest path, so edges only point down).
pub(super) fn rank(node_count: usize, edges: &[(usize, usize)], start: usize) -> Ranking {
    let back = back_edges(node_count, edges, start);
    let mut rank = vec![0usize; node_count];
    for v in topological_order(node_count, edges, &back) {
        for (i, &(from, to)) in edges.iter().enumerate() {
            if from == v && !back[i] && from != to {
                rank[to] = rank[to].max(rank[v] + 1);
            }
        }
    }
    Ranking { back, rank }
}

/// Edges that close a cycle in a depth-first search from `start` (then from any unvisited node).
fn back_edges(n: usize, edges: &[(usize, usize)], start: usize) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(from, _)) in edges.iter().enumerate() {
        out_edges[from].push(i);
    }
    let mut back = vec![false; edges.len()];
    let mut mark = vec![Mark::New; n];
    for root in std::iter::once(start).chain(0..n) {
        if mark[root] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, next out-edge position).
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::Open;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if let Some(&e) = out_edges[v].get(*k) {
                *k += 1;
                let w = edges[e].1;
                match mark[w] {
                    Mark::Open => back[e] = true,
                    Mark::New => {
                        mark[w] = Mark::Open;
                        stack.push((w, 0));
                    }
                    Mark::Done => {}
                }
            } else {
                mark[v] = Mark::Done;
                stack.pop();
            }
        }
    }
    back
}

/// The nodes in an order where every forward edge (not back, not a self-loop) points later.
fn topological_order(n: usize, edges: &[(usize, usize)], back: &[bool]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(from, to)) in edges.iter().enumerate() {
        if !back[i] && from != to {
            indegree[to] += 1;
            out_edges[from].push(to);
        }
    }
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| indegree[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = ready.pop() {
        order.push(v);
        for &w in &out_edges[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn a_node_ranks_below_its_predecessors_and_a_cycle_is_broken() {
        // 0 -> 1 -> 2 -> 0 (a loop), 0 -> 2 (a shortcut), 2 -> 2 (a self-loop).
        let edges = [(0, 1), (1, 2), (2, 0), (0, 2), (2, 2)];
        let ranking = rank(3, &edges, 0);
        assert_eq!(ranking.rank, vec![0, 1, 2], "longest path: 2 goes below 1");
        assert_eq!(
            ranking.back,
            vec![false, false, true, false, true],
            "the edge back to the start and the self-loop close cycles"
        );
    }

    #[test]
    fn nodes_unreachable_from_the_start_are_ranked_too() {
        let ranking = rank(3, &[(1, 2)], 0);
        assert_eq!(ranking.rank, vec![0, 0, 1]);
        assert_eq!(ranking.back, vec![false]);
    }
}
