"""The real sample the demo ingests: the ``shared_data`` folder when set, else the shipped copy."""

from __future__ import annotations

from pathlib import Path

#: Real AIS files of shared/data the demo ingests (see its SOURCES.md).
DEMO_FILES = (
    "dma-aisabnormal/538004030_drift_1.ais",
    "dma-aisabnormal/212123000_drift_1.ais",
    "dma-aislib/stream_example.txt",
    "tracktable-noaa/NYHarbor_2020_12_first_week.traj",
)
#: Real sanctions lists the demo loads and screens against, when shared/data is set.
DEMO_LISTS = ("un-consolidated/UN_consolidated.xml", "ofac-sdn-2021/sdn.csv")
PACKAGED_SAMPLE = Path(__file__).parent / "data" / "stream_example.txt"


def demo_inputs(shared_data: Path | None) -> list[Path]:
    """Real AIS files for the demo, falling back to the sample shipped in the package."""
    if shared_data is not None:
        found = [shared_data / name for name in DEMO_FILES if (shared_data / name).exists()]
        if found:
            return found
    return [PACKAGED_SAMPLE]


def demo_lists(shared_data: Path | None) -> list[Path]:
    """The real UN and OFAC lists in ``shared_data`` (none when it is not set)."""
    if shared_data is None:
        return []
    return [shared_data / name for name in DEMO_LISTS if (shared_data / name).exists()]
