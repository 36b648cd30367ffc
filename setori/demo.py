"""The real sample the demo ingests: ../shared/data when present, else the shipped copy."""

from __future__ import annotations

import os
from pathlib import Path

#: Real AIS files of ../shared/data the demo ingests (see its SOURCES.md).
DEMO_FILES = (
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aislib/stream_example.txt",
    "tracktable-noaa/NYHarbor_2020_12_first_week.traj",
)
#: Real sanctions lists the demo loads and screens against, when ../shared/data is present.
DEMO_LISTS = ("un-consolidated/UN_consolidated.xml", "ofac-sdn-2021/sdn.csv")
_PACKAGED = Path(__file__).parent / "data" / "stream_example.txt"


def shared_data_dir() -> Path | None:
    """``$SETORI_SHARED_DATA``, else the first ``shared/data`` found above here or the CWD."""
    env = os.environ.get("SETORI_SHARED_DATA")
    if env:
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve().parent):
        for parent in (base, *base.parents):
            candidate = parent / "shared" / "data"
            if (candidate / "SOURCES.md").exists():
                return candidate
    return None


def demo_inputs() -> list[Path]:
    """Real AIS files for the demo, falling back to the sample shipped in the package."""
    data = shared_data_dir()
    if data is not None:
        found = [data / name for name in DEMO_FILES if (data / name).exists()]
        if found:
            return found
    return [_PACKAGED]


def demo_lists() -> list[Path]:
    """The real UN and OFAC lists in ../shared/data (none when it is absent)."""
    data = shared_data_dir()
    if data is None:
        return []
    return [data / name for name in DEMO_LISTS if (data / name).exists()]
