import pytest

from analysis.tables import outputs


@pytest.fixture(scope="session")
def written(t, tmp_path_factory):
    """The five shipped documents' tables written as a build writes them."""
    out = tmp_path_factory.mktemp("written") / "processed"
    outputs.write(t, out)
    return out
