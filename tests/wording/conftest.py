import pytest

from analysis.wording import kernels


@pytest.fixture(params=["plain", "compiled"])
def loops(request, monkeypatch):
    """Run the test with the wording loops as plain Python, then compiled by numba (`kernels`)."""
    monkeypatch.setattr(kernels, "COMPILE_FROM_CHARS", 0 if request.param == "compiled" else 10**12)
    return request.param
