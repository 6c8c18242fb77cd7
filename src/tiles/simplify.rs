//! Douglas–Peucker simplification, run after quantisation so it only sees the (few) distinct grid
//! points left at low zoom. Iterative with an explicit stack: deep recursion on a long ring must not
//! overflow a server thread's stack.

use geo_types::Coord;

pub(crate) trait Xy: Copy + PartialEq {
    fn xy(self) -> [f64; 2];
}

impl Xy for [i32; 2] {
    #[inline]
    fn xy(self) -> [f64; 2] {
        [self[0] as f64, self[1] as f64]
    }
}

impl Xy for [f64; 2] {
    #[inline]
    fn xy(self) -> [f64; 2] {
        self
    }
}

/// Squared distance from points to the segment `a`–`b` (to `a` if the segment is a point, which is
/// what makes a closed ring's first split pick the vertex farthest from its start). The segment's
/// constants are computed once so the per-point work has no division.
#[derive(Clone, Copy)]
struct Segment {
    a: [f64; 2],
    d: [f64; 2],
    inv_len2: f64,
}

impl Segment {
    #[inline]
    fn new(a: [f64; 2], b: [f64; 2]) -> Self {
        let d = [b[0] - a[0], b[1] - a[1]];
        let len2 = d[0] * d[0] + d[1] * d[1];
        Segment {
            a,
            d,
            inv_len2: if len2 > 0.0 { 1.0 / len2 } else { 0.0 },
        }
    }

    #[inline]
    fn dist2(&self, p: [f64; 2]) -> f64 {
        let v = [p[0] - self.a[0], p[1] - self.a[1]];
        let t = ((v[0] * self.d[0] + v[1] * self.d[1]) * self.inv_len2).clamp(0.0, 1.0);
        let q = [t * self.d[0] - v[0], t * self.d[1] - v[1]];
        q[0] * q[0] + q[1] * q[1]
    }
}

/// Scratch buffers reused between calls.
#[derive(Debug, Default)]
pub(crate) struct Simplifier {
    keep: Vec<bool>,
    stack: Vec<(usize, usize)>,
    /// The path being simplified as floats, converted once rather than at every recursion level.
    path: Vec<[f64; 2]>,
}

impl Simplifier {
    /// Marks the vertices of `self.path` to keep with tolerance `tol`; both ends are kept.
    fn mark(&mut self, tol: f64) {
        let pts = &self.path[..];
        let last = pts.len() - 1;
        let tol2 = tol * tol;
        self.keep.clear();
        self.keep.resize(last + 1, false);
        self.keep[0] = true;
        self.keep[last] = true;
        self.stack.clear();
        self.stack.push((0, last));
        while let Some((a, b)) = self.stack.pop() {
            if b <= a + 1 {
                continue;
            }
            let seg = Segment::new(pts[a], pts[b]);
            let mut best = (0usize, -1.0f64);
            for (i, &p) in pts[a + 1..b].iter().enumerate() {
                let d = seg.dist2(p);
                if d > best.1 {
                    best = (i, d);
                }
            }
            // Strictly greater, so tolerance 0 still drops exactly collinear vertices.
            if best.1 > tol2 {
                let i = a + 1 + best.0;
                self.keep[i] = true;
                self.stack.push((a, i));
                self.stack.push((i, b));
            }
        }
    }

    /// Simplifies an open ring (implicitly closed back to its first vertex) into `out`.
    pub(crate) fn ring<P: Xy>(&mut self, ring: &[P], tol: f64, out: &mut Vec<P>) {
        out.clear();
        if ring.len() < 3 {
            out.extend_from_slice(ring);
            return;
        }
        self.path.clear();
        self.path.extend(ring.iter().map(|p| p.xy()));
        self.path.push(ring[0].xy());
        self.mark(tol);
        out.extend(
            ring.iter()
                .zip(&self.keep)
                .filter(|(_, &k)| k)
                .map(|(p, _)| *p),
        );
    }

    /// Simplifies an open polyline (end points always kept) into `out`.
    pub(crate) fn line<P: Xy>(&mut self, line: &[P], tol: f64, out: &mut Vec<P>) {
        out.clear();
        if line.len() < 3 {
            out.extend_from_slice(line);
            return;
        }
        self.path.clear();
        self.path.extend(line.iter().map(|p| p.xy()));
        self.mark(tol);
        out.extend(
            line.iter()
                .zip(&self.keep)
                .filter(|(_, &k)| k)
                .map(|(p, _)| *p),
        );
    }
}

/// Douglas–Peucker on a ring (closed or open) with `tolerance` in the ring's units; returns an open
/// ring. Useful for pre-simplifying shapes once per zoom band.
pub fn simplify_ring(ring: &[Coord<f64>], tolerance: f64) -> Vec<Coord<f64>> {
    let mut pts: Vec<[f64; 2]> = ring.iter().map(|c| [c.x, c.y]).collect();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let mut out = Vec::new();
    Simplifier::default().ring(&pts, tolerance.max(0.0), &mut out);
    out.into_iter().map(|[x, y]| Coord { x, y }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_small_wiggles_keeps_corners() {
        // A 100x100 square with a 0.4-unit bump half-way along the bottom edge and collinear points.
        let ring: Vec<[i32; 2]> = vec![
            [0, 0],
            [25, 0],
            [50, 0],
            [75, 0],
            [100, 0],
            [100, 100],
            [0, 100],
        ];
        let mut s = Simplifier::default();
        let mut out = Vec::new();
        s.ring(&ring, 1.0, &mut out);
        assert_eq!(out, vec![[0, 0], [100, 0], [100, 100], [0, 100]]);
        let bump: Vec<[f64; 2]> = vec![
            [0.0, 0.0],
            [50.0, 0.4],
            [100.0, 0.0],
            [100.0, 100.0],
            [0.0, 100.0],
        ];
        let mut out = Vec::new();
        s.ring(&bump, 0.5, &mut out);
        assert_eq!(out.len(), 4);
        s.ring(&bump, 0.3, &mut out);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn tiny_ring_collapses_to_a_segment() {
        let ring: Vec<[i32; 2]> = vec![[0, 0], [1, 0], [1, 1]];
        let mut out = Vec::new();
        Simplifier::default().ring(&ring, 1.0, &mut out);
        assert!(out.len() < 3, "{out:?}");
    }

    #[test]
    fn line_keeps_ends() {
        let line: Vec<[i32; 2]> = vec![[0, 0], [5, 1], [10, 0], [10, 10]];
        let mut out = Vec::new();
        Simplifier::default().line(&line, 2.0, &mut out);
        assert_eq!(out, vec![[0, 0], [10, 0], [10, 10]]);
    }

    #[test]
    fn public_helper_accepts_closed_rings() {
        let c = |x, y| Coord { x, y };
        let ring = [
            c(0.0, 0.0),
            c(5.0, 0.01),
            c(10.0, 0.0),
            c(10.0, 10.0),
            c(0.0, 10.0),
            c(0.0, 0.0),
        ];
        assert_eq!(simplify_ring(&ring, 0.1).len(), 4);
    }
}
