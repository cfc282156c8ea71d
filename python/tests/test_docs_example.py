"""Runs the notebook-style example in docs/examples/ from the repository root."""
import os
import runpy


def test_python_quickstart_runs(source_dir, capsys):
    cwd = os.getcwd()
    os.chdir(source_dir)
    try:
        runpy.run_path(str(source_dir / "docs" / "examples" / "python_quickstart.py"), run_name="__main__")
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "(11, 100, 6) errors: 0" in out
    assert "invalid_number line 2 eccentricity (cols 27-33)" in out
    assert "file_not_found no-such-file.tle" in out
    assert "Sentinel-2A above 5 deg at Svalbard" in out
    assert "plan: value 63 of upper bound 63" in out and "first delivery 2025-10-03T" in out
    assert "europe: " in out and "24 satellites; plane 2 RAAN 120.0 deg; mean altitude 550.000 km" in out
