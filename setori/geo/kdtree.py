"""A static KD-tree over 3-D unit vectors: exact nearest neighbour on the sphere.

Points are unit vectors (:func:`setori.geo.sphere.unit_vectors`), so the nearest
point by chord length is the nearest by great-circle distance, with no trouble at
the antimeridian or the poles (the approach of detection.md §8.8, step 3). The tree
is built once with NumPy, one vectorised sort per level (median splits on each node's
widest axis, bounding boxes per node); queries for many points run in one compiled
loop (numba), never one Python object per point.

Only :mod:`setori.geo.places` uses it; :mod:`setori.geo.land` uses ``scipy.spatial.cKDTree``,
which gives the same chords bit for bit. It stays for places because the *place* found is
part of events: 4,476 positions hold two or more places (often under different names),
and which of them a tree returns is an accident of its build. ``bench/bench_kdtree.py``
(200,000 points scattered around places) finds scipy's tree returning another place than
this one for 6,166 of them, and with scipy's tree and a fixed rule (the last listed place
at a position) ``tools/event_snapshot.py`` changes the ``nearest_port`` tag of 6 of 183
events on the scenario worlds and of 233 of 3,741 on the real data, and 6 port visits'
port names. Making ties deterministic is a behaviour change to decide on its own. Speed
does not argue for scipy here either (CPU s, median of 3, 2 shared cores at load ~2):
64,190 places build in 0.051 s (scipy 0.013 s) and 200,000 nearest-place queries take
0.085 s (scipy 0.198 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

LEAF_SIZE = 32
_STACK_SIZE = 256


@dataclass(frozen=True, slots=True)
class KdTree:
    """Arrays of a built tree; ``order[i]`` is the input index of ``points[i]``."""

    points: Floats
    order: Ints
    start: Ints
    stop: Ints
    left: Ints
    right: Ints
    box_min: Floats
    box_max: Floats

    @property
    def size(self) -> int:
        """Number of points in the tree."""
        return int(self.points.shape[0])


def build_kdtree(xyz: Floats, *, leaf_size: int = LEAF_SIZE) -> KdTree:
    """Build a tree over ``xyz`` (shape ``(n, 3)``), one vectorised pass per tree level."""
    n = xyz.shape[0]
    order = np.arange(n, dtype=np.int64)
    start, stop = np.array([0], np.int64), np.array([n], np.int64)
    left, right = np.array([-1], np.int64), np.array([-1], np.int64)
    levels: list[Ints] = []
    active = np.array([0], np.int64) if n > leaf_size else np.zeros(0, np.int64)
    while active.size:
        levels.append(active)
        mid = _split_level(xyz, order, start[active], stop[active])
        first = start.size
        children = np.arange(first, first + 2 * active.size, dtype=np.int64)
        start = np.concatenate([start, np.stack([start[active], mid], 1).ravel()])
        stop = np.concatenate([stop, np.stack([mid, stop[active]], 1).ravel()])
        left = np.concatenate([left, np.full(children.size, -1, np.int64)])
        right = np.concatenate([right, np.full(children.size, -1, np.int64)])
        left[active], right[active] = children[0::2], children[1::2]
        active = children[(stop[children] - start[children]) > leaf_size]
    points = np.ascontiguousarray(xyz[order])
    box_min, box_max = _boxes(points, start, stop, left, right, levels)
    return KdTree(points, order, start, stop, left, right, box_min, box_max)


def _split_level(xyz: Floats, order: Ints, lo: Ints, hi: Ints) -> Ints:
    """Sort every node's slice of ``order`` along its widest axis; return the split indices."""
    sizes = hi - lo
    node = np.repeat(np.arange(lo.size), sizes)
    rows = np.arange(node.size) - np.repeat(np.cumsum(sizes) - sizes, sizes) + lo[node]
    pts = xyz[order[rows]]
    offsets = np.cumsum(sizes) - sizes
    extent = np.maximum.reduceat(pts, offsets, axis=0) - np.minimum.reduceat(pts, offsets, axis=0)
    key = pts[np.arange(node.size), np.argmax(extent, axis=1)[node]]
    # node + key scaled into [0, 1): one argsort orders by node, then by key (|key| <= 1)
    order[rows] = order[rows][np.argsort(node + (key + 1.0) / 2.0001)]
    return np.asarray(lo + sizes // 2, dtype=np.int64)


def _boxes(
    points: Floats, start: Ints, stop: Ints, left: Ints, right: Ints, levels: list[Ints]
) -> tuple[Floats, Floats]:
    """Bounding box of every node: leaves from their points, inner nodes from their children."""
    box_min, box_max = np.zeros((start.size, 3)), np.zeros((start.size, 3))
    leaves = np.flatnonzero(left < 0)
    leaves = leaves[np.argsort(start[leaves])]  # leaves tile [0, n) in order
    if points.shape[0]:
        box_min[leaves] = np.minimum.reduceat(points, start[leaves], axis=0)
        box_max[leaves] = np.maximum.reduceat(points, start[leaves], axis=0)
    for parents in reversed(levels):  # children are complete before their parents
        box_min[parents] = np.minimum(box_min[left[parents]], box_min[right[parents]])
        box_max[parents] = np.maximum(box_max[left[parents]], box_max[right[parents]])
    return box_min, box_max


def nearest(tree: KdTree, queries: Floats) -> tuple[Ints, Floats]:
    """Input index of the nearest tree point and the chord to it, for each query row.

    With an empty tree every index is -1 and every chord is ``inf``.
    """
    n = queries.shape[0]
    index = np.full(n, -1, dtype=np.int64)
    chord = np.full(n, np.inf)
    if tree.size and n:
        _nearest_kernel(
            tree.points,
            tree.start,
            tree.stop,
            tree.left,
            tree.right,
            tree.box_min,
            tree.box_max,
            np.ascontiguousarray(queries),
            index,
            chord,
        )
        index = np.where(index >= 0, tree.order[np.maximum(index, 0)], -1)
    return index, chord


@njit(cache=True)
def _box_d2(box_min: Floats, box_max: Floats, node: int, x: float, y: float, z: float) -> float:
    dx = max(box_min[node, 0] - x, 0.0, x - box_max[node, 0])
    dy = max(box_min[node, 1] - y, 0.0, y - box_max[node, 1])
    dz = max(box_min[node, 2] - z, 0.0, z - box_max[node, 2])
    return float(dx * dx + dy * dy + dz * dz)


@njit(cache=True)
def _nearest_kernel(
    points: Floats, start: Ints, stop: Ints, left: Ints, right: Ints,
    box_min: Floats, box_max: Floats, queries: Floats, index: Ints, chord: Floats,
) -> None:  # fmt: skip
    stack = np.empty(_STACK_SIZE, dtype=np.int64)
    for q in range(queries.shape[0]):
        x, y, z = queries[q, 0], queries[q, 1], queries[q, 2]
        best, best_i, top = math.inf, -1, 1
        stack[0] = 0
        while top > 0:
            top -= 1
            node = stack[top]
            if _box_d2(box_min, box_max, node, x, y, z) >= best:
                continue
            if left[node] < 0:
                for i in range(start[node], stop[node]):
                    d2 = (points[i, 0] - x) ** 2 + (points[i, 1] - y) ** 2 + (points[i, 2] - z) ** 2
                    if d2 < best:
                        best, best_i = d2, i
                continue
            near, far = left[node], right[node]
            if _box_d2(box_min, box_max, far, x, y, z) < _box_d2(box_min, box_max, near, x, y, z):
                near, far = far, near
            stack[top], stack[top + 1] = far, near
            top += 2
        index[q] = best_i
        chord[q] = math.sqrt(best)
