import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("VANTAGE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SHARED = pathlib.Path(os.environ.get("VANTAGE_SHARED_DATA", SOURCE_DIR / "tests" / "reference"))


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def shared_data():
    return SHARED
