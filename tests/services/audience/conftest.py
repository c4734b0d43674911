from pathlib import Path

import pytest


@pytest.fixture
def make_file(tmp_path):
    """Writes bytes (or text in an encoding) to a file in tmp_path and returns its path."""

    def make(data: bytes | str, name: str = "contacts.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return path

    return make
