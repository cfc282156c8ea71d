# Type stubs for the compiled extension (editors complete names from these).
import datetime
import os
from typing import Any, Iterable, Sequence, Union

import numpy as np
import numpy.typing as npt

TimeLike = Union[datetime.datetime, np.datetime64, str]
TimesLike = Union[Sequence[TimeLike], npt.NDArray[np.datetime64]]
PathLike = Union[str, os.PathLike[str]]

__version__: str
ERROR_CODES: tuple[str, ...]

class Error(Exception):
    """Root of every Vantage error."""

    code: str
    message: str
    source: str
    line: int
    field: str
    value: str

class ParseError(Error, ValueError):
    """Bad input: a malformed file, record, line, time or argument value."""

class FileError(Error, OSError):
    """A file that cannot be read (errno, strerror, filename set)."""

class MissingFileError(FileError, FileNotFoundError):
    """A file that does not exist (errno ENOENT)."""

class Instant:
    def __init__(self, time: TimeLike) -> None: ...
    def to_datetime(self) -> datetime.datetime: ...
    def to_iso8601_utc(self, decimals: int = 6) -> str: ...
    def tai_minus_utc_s(self) -> float: ...
    def tt_jd(self) -> tuple[float, float]: ...
    def __sub__(self, other: Instant) -> float: ...
    def __add__(self, seconds: float) -> Instant: ...
    def __eq__(self, other: object) -> bool: ...
    def __lt__(self, other: Instant) -> bool: ...

class EarthOrientation:
    def __init__(self) -> None: ...
    def __len__(self) -> int: ...
    @property
    def source_name(self) -> str: ...
    def at(self, time: TimeLike) -> dict[str, Any]: ...

class ElementSet:
    norad_id: int
    object_name: str
    object_id: str
    classification: str
    epoch: datetime.datetime
    inclination_deg: float
    raan_deg: float
    eccentricity: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    mean_motion_rev_day: float
    mean_motion_dot_rev_day2: float
    mean_motion_ddot_rev_day3: float
    bstar_per_er: float
    element_set_no: int
    rev_at_epoch: int
    ephemeris_type: int
    @staticmethod
    def from_tle(line1: str, line2: str, name: str | None = None, verify_checksum: bool = True) -> ElementSet: ...

def propagate(
    elements: Union[ElementSet, Sequence[ElementSet]],
    times: TimesLike,
    frame: str = "teme",
    gravity: str = "wgs72",
    opsmode: str = "i",
    eop: EarthOrientation | None = None,
    threads: int = 1,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8]]: ...
def convert_states(
    states: npt.ArrayLike, times: TimesLike, from_frame: str, to_frame: str, eop: EarthOrientation = ...
) -> npt.NDArray[np.float64]: ...
def itrf_to_geodetic(r_km: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
def read_tle(source: PathLike, strict: bool = True) -> list[ElementSet]:
    """TLE text if ``source`` is a str holding a line break, otherwise a file path."""
def read_omm(path: PathLike, strict: bool = True) -> list[ElementSet]: ...
def read_elements(path: PathLike, strict: bool = True) -> list[ElementSet]: ...
def read_eop(path: PathLike) -> EarthOrientation: ...
def format_tle(elements: ElementSet) -> tuple[str, str]: ...

class GroundStation:
    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    min_elevation_deg: float
    downlink_mbit_s: float
    antennas: int
    def __init__(
        self,
        name: str,
        lat_deg: float,
        lon_deg: float,
        alt_m: float = 0.0,
        min_elevation_deg: float = 5.0,
        downlink_mbit_s: float = 0.0,
        antennas: int = 1,
    ) -> None: ...

def read_stations(path: PathLike, strict: bool = True) -> list[GroundStation]: ...
def passes(
    elements: Union[ElementSet, Sequence[ElementSet]],
    stations: Sequence[GroundStation],
    start: TimeLike,
    stop: TimeLike,
    min_elevation_deg: float | None = None,
    eop: EarthOrientation | None = None,
    threads: int = 0,
    compute_attributes: bool = True,
) -> list[dict[str, Any]]: ...
def eclipses(
    elements: Union[ElementSet, Sequence[ElementSet]],
    start: TimeLike,
    stop: TimeLike,
    model: str = "conical",
    eop: EarthOrientation | None = None,
    step_s: float = 30.0,
) -> list[dict[str, Any]]: ...
def links(
    elements: Union[ElementSet, Sequence[ElementSet]],
    start: TimeLike,
    stop: TimeLike,
    geo: dict[str, float] | None = None,
    between_satellites: bool = False,
    grazing_height_km: float = 100.0,
    min_elevation_deg: float = -90.0,
    max_off_nadir_deg: float = 10.0,
    eop: EarthOrientation | None = None,
) -> list[dict[str, Any]]: ...
def access(scenario: PathLike, compute_attributes: bool = True) -> list[dict[str, Any]]: ...

def _coverage(
    scenario: PathLike,
    aoi: PathLike | None = None,
    grid_km: float | None = None,
    min_accesses: int | None = None,
    threads: int = -1,
) -> dict[str, Any]: ...
def walker(
    total: int,
    planes: int,
    phasing: int,
    altitude_km: float,
    inclination_deg: float,
    epoch: TimeLike,
    pattern: str = "delta",
    raan_spread_deg: float | None = None,
    raan0_deg: float = 0.0,
    arg_latitude0_deg: float = 0.0,
    first_norad_id: int = 80000,
    name_prefix: str = "VANTAGE",
) -> list[ElementSet]: ...
def sun_synchronous(
    altitude_km: float,
    local_times_h: Sequence[float],
    epoch: TimeLike,
    node: str = "ascending",
    sats_per_plane: int = 1,
    phasing: int = 0,
    arg_latitude0_deg: float = 0.0,
    first_norad_id: int = 80000,
    name_prefix: str = "VANTAGE",
) -> list[ElementSet]: ...
def sun_synchronous_inclination_deg(altitude_km: float) -> float: ...
def sgp4_mean_altitude_km(elements: ElementSet) -> float: ...
def mean_local_time_of_node_h(elements: ElementSet, node: str = "ascending") -> float: ...
def write_elements(elements: Sequence[ElementSet], path: PathLike, format: str | None = None) -> None: ...
def _topocentric(
    elements: Union[ElementSet, Sequence[ElementSet]],
    station: Union[GroundStation, Sequence[float]],
    times: TimesLike,
    eop: EarthOrientation | None = None,
    gravity: str = "wgs72",
    opsmode: str = "i",
    threads: int = 1,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def _plan(
    scenario: PathLike,
    seed: int | None = None,
    iterations: int | None = None,
    time_limit_s: float | None = None,
    compare_relays: bool = False,
) -> tuple[str, list[tuple[str, str, int]]]: ...
