"""KD-tree benchmark: ``scipy.spatial.cKDTree`` against the hand-written numba KD-tree.

setori answers nearest-shore and nearest-place questions on 3-D unit vectors. Land uses
scipy's tree; places keep setori's own (:mod:`setori.geo.kdtree`: NumPy build, numba
queries) because the place picked among places at the same position shows in events
(that module's docstring). This script times both trees on the same inputs, and the
grouped shore query that :func:`setori.geo.land.shore_km_along` ran on setori's tree up to
commit ``75e6105`` (that ``land.py`` is loaded from git history):

* ``shore``: the densified Natural Earth 1:50m coastline of :func:`setori.geo.land.load_land`
  (458,714 vertices, shipped copy); ``places``: every port and anchorage of
  :func:`setori.geo.places.load_places` (64,190 points);
* build: building each tree;
* nearest, scattered: ``--points`` points up to ~0.3 degrees from random shore vertices
  (or places), in random order;
* nearest, track order: the same number of points as random walks (300 m steps) from
  random shore vertices, in track order (consecutive queries close together), the order
  :func:`setori.geo.land.shore_km_along` sees; the hand-written tree's grouped range query
  (``shore_km_along`` of ``75e6105``) is timed too.

Each figure is the median (min–max) of ``--runs`` runs (after one warm-up call, so numba kernels
are compiled or loaded from cache); CPU seconds of this process and wall seconds. The
script also checks that both trees give bit-identical chords (indices may differ only on
exact ties, e.g. duplicated coordinates). Usage, from the repository root:

    python bench/bench_kdtree.py                  # 200,000 points, 3 runs
    python bench/bench_kdtree.py --points 1000000 --runs 5
    python bench/bench_kdtree.py --quick          # 20,000 points, 3 runs
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import Row, Runs, markdown_block, parser, table, time_call  # noqa: E402

from setori.geo.land import load_land  # noqa: E402
from setori.geo.places import load_places  # noqa: E402
from setori.geo.sphere import EARTH_RADIUS_M, unit_vectors  # noqa: E402

HAND_COMMIT = "75e6105"
Floats = npt.NDArray[np.float64]


def load_hand_written(tmp: Path) -> tuple[ModuleType, ModuleType]:
    """:mod:`setori.geo.kdtree` and the ``setori/geo/land.py`` of :data:`HAND_COMMIT`
    (imported from a file in ``tmp``)."""
    source = subprocess.run(
        ["git", "show", f"{HAND_COMMIT}:setori/geo/land.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    file = tmp / "hand_land.py"
    file.write_text(source)
    spec = importlib.util.spec_from_file_location("hand_land", file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hand_land"] = module
    spec.loader.exec_module(module)
    return importlib.import_module("setori.geo.kdtree"), module


def timed(call: Callable[[], Any], runs: int) -> tuple[Runs, Any]:
    """Wall and CPU seconds of ``runs`` calls after a warm-up call; the last result."""
    call()
    return time_call(call, runs)


def scattered(xyz: Floats, n: int, spread_deg: float, rng: np.random.Generator) -> Floats:
    """``n`` unit vectors up to ~``spread_deg`` from random points of ``xyz``."""
    pick = rng.integers(0, xyz.shape[0], n)
    lat = np.degrees(np.arcsin(np.clip(xyz[pick, 2], -1, 1))) + rng.normal(0, spread_deg, n)
    lon = np.degrees(np.arctan2(xyz[pick, 1], xyz[pick, 0])) + rng.normal(0, spread_deg, n)
    return unit_vectors(np.clip(lat, -90, 90), lon)


def walks(xyz: Floats, n: int, rng: np.random.Generator) -> tuple[Floats, Floats]:
    """(lat, lon) of random walks of 100 steps of 300 m from random points of ``xyz``."""
    tracks, steps = max(n // 100, 1), 100
    pick = rng.integers(0, xyz.shape[0], tracks)
    lat0 = np.degrees(np.arcsin(np.clip(xyz[pick, 2], -1, 1)))
    lon0 = np.degrees(np.arctan2(xyz[pick, 1], xyz[pick, 0]))
    heading = rng.uniform(0, 2 * np.pi, tracks)[:, None] + rng.normal(0, 0.2, (tracks, steps))
    step_deg = np.degrees(300.0 / EARTH_RADIUS_M)
    lat = np.clip(lat0[:, None] + np.cumsum(step_deg * np.cos(heading), axis=1), -89.9, 89.9)
    cos_lat = np.cos(np.radians(lat))
    lon = lon0[:, None] + np.cumsum(step_deg * np.sin(heading), axis=1) / cos_lat
    return lat.ravel(), lon.ravel()


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--points", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    points, runs = (20_000, 3) if args.quick else (args.points, args.runs)
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        hand, hand_land = load_hand_written(Path(tmp))
        print(
            markdown_block("KD-trees", Path(__file__).name, run(hand, hand_land, points, runs, rng))
        )


def run(
    hand: ModuleType, hand_land: ModuleType, n: int, runs: int, rng: np.random.Generator
) -> list[str]:
    """The results block's lines: inputs, the timing table, the agreement checks."""
    land = load_land()
    shore_xyz = np.asarray(land.shore.data, np.float64)
    places = load_places()
    place_xyz = unit_vectors(places.table["lat"].to_numpy(), places.table["lon"].to_numpy())
    rows, checks = [], []
    for label, xyz in (("shore", shore_xyz), ("places", place_xyz)):
        t, hand_tree = timed(partial(hand.build_kdtree, xyz), runs)
        rows.append(Row(f"{label}: build, hand-written", t, xyz.shape[0]))
        t, ck_tree = timed(partial(cKDTree, xyz), runs)
        rows.append(Row(f"{label}: build, cKDTree", t, xyz.shape[0]))
        queries = scattered(xyz, n, 0.3, rng)
        t, (h_index, h_chord) = timed(partial(hand.nearest, hand_tree, queries), runs)
        rows.append(Row(f"{label}: nearest, scattered, hand-written", t, n))
        t, (c_chord, c_index) = timed(partial(ck_tree.query, queries), runs)
        rows.append(Row(f"{label}: nearest, scattered, cKDTree", t, n))
        checks.append(check(label, h_index, h_chord, c_index, c_chord))
    lat, lon = walks(shore_xyz, n, rng)
    queries = unit_vectors(lat, lon)
    hand_layer = hand_land.LandLayer(land.land, hand.build_kdtree(shore_xyz), 0.02)
    t, (h_index, h_chord) = timed(partial(hand.nearest, hand_layer.shore, queries), runs)
    rows.append(Row("shore: nearest, track order, hand-written", t, lat.size))
    t, grouped_km = timed(partial(hand_land.shore_km_along, hand_layer, lat, lon), runs)
    rows.append(Row("shore: grouped range query (shore_km_along), hand-written", t, lat.size))
    ck_tree = cKDTree(shore_xyz)
    t, (c_chord, c_index) = timed(partial(ck_tree.query, queries), runs)
    rows.append(Row("shore: nearest, track order, cKDTree", t, lat.size))
    checks.append(check("shore, track order", h_index, h_chord, c_index, c_chord))
    same = np.array_equal(hand_land.chord_to_m(c_chord) / 1000.0, grouped_km)
    return [
        f"- Input: shore {shore_xyz.shape[0]:,} vertices; places {place_xyz.shape[0]:,} points; "
        f"{n:,} query points; {runs} runs each after a warm-up call, in one process.",
        "",
        *table(rows, "points"),
        "",
        *checks,
        f"- shore_km_along (hand-written, grouped) == cKDTree nearest, bit for bit: {same}.",
    ]


def check(label: str, h_index: Any, h_chord: Floats, c_index: Any, c_chord: Floats) -> str:
    """Whether the chords are bit-identical and how many indices differ (ties)."""
    same_chord = np.array_equal(h_chord, c_chord)
    differ = int(np.sum(h_index != c_index))
    return f"- {label}: chords identical {same_chord}, indices differing (ties) {differ:,}."


if __name__ == "__main__":
    main()
