"""A static KD-tree over 3-D unit vectors: exact nearest neighbour on the sphere.

Points are unit vectors (:func:`setori.geo.sphere.unit_vectors`), so the nearest
point by chord length is the nearest by great-circle distance, with no trouble at
the antimeridian or the poles (the approach of detection.md §8.8, step 3). The tree
is built once with NumPy (median splits on the widest axis, bounding boxes per
node); queries for many points run in one compiled loop (numba), never one Python
object per point.
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
    """Build a tree over ``xyz`` (shape ``(n, 3)``); O(n log n), once per layer."""
    order = np.arange(xyz.shape[0], dtype=np.int64)
    nodes: list[list[int]] = []  # [start, stop, left, right]
    pending = [(0, xyz.shape[0], -1, False)]
    while pending:
        lo, hi, parent, is_right = pending.pop()
        node = len(nodes)
        nodes.append([lo, hi, -1, -1])
        if parent >= 0:
            nodes[parent][3 if is_right else 2] = node
        if hi - lo > leaf_size:
            mid = _split(xyz, order, lo, hi)
            pending.extend([(mid, hi, node, True), (lo, mid, node, False)])
    table = np.array(nodes, dtype=np.int64).reshape(-1, 4)
    points = np.ascontiguousarray(xyz[order])
    start, stop, left, right = (np.ascontiguousarray(table[:, k]) for k in range(4))
    box_min, box_max = _boxes(points, start, stop, left, right)
    return KdTree(points, order, start, stop, left, right, box_min, box_max)


def _split(xyz: Floats, order: Ints, lo: int, hi: int) -> int:
    """Partition ``order[lo:hi]`` at the median of its widest axis; return the split index."""
    chunk = xyz[order[lo:hi]]
    axis = int(np.argmax(chunk.max(axis=0) - chunk.min(axis=0)))
    mid = (hi - lo) // 2
    order[lo:hi] = order[lo:hi][np.argpartition(chunk[:, axis], mid)]
    return lo + mid


def _boxes(
    points: Floats, start: Ints, stop: Ints, left: Ints, right: Ints
) -> tuple[Floats, Floats]:
    """Bounding box of every node: leaves from their points, inner nodes from their children."""
    box_min, box_max = np.zeros((start.size, 3)), np.zeros((start.size, 3))
    leaves = np.flatnonzero(left < 0)
    leaves = leaves[np.argsort(start[leaves])]  # leaves tile [0, n) in order
    if points.shape[0]:
        box_min[leaves] = np.minimum.reduceat(points, start[leaves], axis=0)
        box_max[leaves] = np.maximum.reduceat(points, start[leaves], axis=0)
    for node in np.flatnonzero(left >= 0)[::-1]:  # children come after their parent
        box_min[node] = np.minimum(box_min[left[node]], box_min[right[node]])
        box_max[node] = np.maximum(box_max[left[node]], box_max[right[node]])
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
