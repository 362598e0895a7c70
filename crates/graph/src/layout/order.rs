//! Crossing reduction: the left-to-right order of the vertices within each rank.

/// Reorder each rank of `layers` (vertex indices below `vertex_count`) by barycenter sweeps
/// against `links` (upper vertex first), alternately downwards and upwards; keep the order
/// with the fewest crossings between adjacent ranks and return that count.
pub(super) fn reduce_crossings(
    layers: &mut [Vec<usize>],
    links: &[(usize, usize)],
    vertex_count: usize,
) -> usize {
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vertex_count];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vertex_count];
    for &(a, b) in links {
        down[a].push(b);
        up[b].push(a);
    }
    let mut position = vec![0usize; vertex_count];
    for layer in layers.iter() {
        for (i, &v) in layer.iter().enumerate() {
            position[v] = i;
        }
    }
    let mut best = layers.to_vec();
    let mut best_crossings = count_crossings(layers, &down, &position);
    for iteration in 0..24 {
        let downward = iteration % 2 == 0;
        let order: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for r in order {
            let neighbours = if downward { &up } else { &down };
            // A vertex without neighbours on that side keeps its place as its key.
            let mut keyed: Vec<(f64, usize, usize)> = layers[r]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|&w| position[w] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[r] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                position[v] = i;
            }
        }
        let crossings = count_crossings(layers, &down, &position);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = layers.to_vec();
        }
        if best_crossings == 0 {
            break;
        }
    }
    layers.clone_from_slice(&best);
    best_crossings
}

/// Pairs of links between adjacent ranks whose ends are in opposite orders: per rank, the
/// inversions among the lower ends of its links sorted by their upper ends, counted by merge
/// sort (a large graph has too many pairs of links to try each).
fn count_crossings(layers: &[Vec<usize>], down: &[Vec<usize>], position: &[usize]) -> usize {
    let mut total = 0;
    for layer in layers {
        let mut segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&a| down[a].iter().map(move |&b| (a, b)))
            .map(|(a, b)| (position[a], position[b]))
            .collect();
        // Links from one vertex never cross: sorted by lower end too, they are no inversion.
        segments.sort_unstable();
        let mut lower: Vec<usize> = segments.iter().map(|s| s.1).collect();
        total += inversions(&mut lower);
    }
    total
}

/// How many pairs `i < j` have `items[i] > items[j]`; sorts `items`.
fn inversions(items: &mut [usize]) -> usize {
    if items.len() < 2 {
        return 0;
    }
    let mid = items.len() / 2;
    let mut count = inversions(&mut items[..mid]) + inversions(&mut items[mid..]);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < items.len() {
        if items[j] < items[i] {
            count += mid - i;
            merged.push(items[j]);
            j += 1;
        } else {
            merged.push(items[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..]);
    items.copy_from_slice(&merged);
    count
}

#[cfg(test)]
mod tests {
    use super::{inversions, reduce_crossings};

    #[test]
    fn inversions_are_the_pairs_out_of_order() {
        let items: Vec<usize> = (0..200).map(|i| (i * 7919) % 61).collect();
        let brute = (0..items.len())
            .flat_map(|i| (i + 1..items.len()).map(move |j| (i, j)))
            .filter(|&(i, j)| items[i] > items[j])
            .count();
        assert_eq!(inversions(&mut items.clone()), brute);
        assert_eq!(inversions(&mut [3, 3, 3]), 0);
    }

    #[test]
    fn a_crossing_in_a_two_by_two_bipartite_graph_is_removed() {
        // 0 above 3 and 1 above 2, but the lower rank starts as [2, 3]: the links cross.
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        let crossings = reduce_crossings(&mut layers, &[(0, 3), (1, 2)], 4);
        assert_eq!(crossings, 0);
        assert_eq!(layers, vec![vec![0, 1], vec![3, 2]]);
    }

    #[test]
    fn an_unavoidable_crossing_is_counted() {
        // K(2,2): every order of two ranks of two, fully linked, has one crossing.
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        let links = [(0, 2), (0, 3), (1, 2), (1, 3)];
        assert_eq!(reduce_crossings(&mut layers, &links, 4), 1);
    }
}
