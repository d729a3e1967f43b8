"""The shipped raw files are the seeds byte for byte, and the manifest describes them."""

import hashlib

import pytest

from analysis import MANIFEST, RAW_DIR
from analysis.reading.manifest import load_manifest

# sha256 as listed in shared/seeds/README.md
SEED_SHA256 = {
    "yancheng": "2ad073018148e0041c293a1d60ca2dd83cf6a9f5bb31bd7ec7f64ae81383f59b",
    "tibet": "738bd59a6c49e1bff7c02317df8f3f1a195f7e58935bae8ef98a0ea7014ece20",
    "qinghai": "a4db25289218a67eebc79e322cac1bc5db859a8a1e33ac3a61af7d1aa2bf8504",
    "shaoxing": "3e594acfbfe0ae30f92518df55a25650e0f2918cb1ffb4a879d26654a4f62e1b",
    "wuhu": "ce78a3d16af96f580354615eed5e7f42558bddb2678ff4912a0235ff09a51a97",
}


@pytest.mark.parametrize("meta", load_manifest(MANIFEST), ids=lambda m: m.region)
def test_raw_file_matches_seed_sha256(meta):
    digest = hashlib.sha256((RAW_DIR / meta.file).read_bytes()).hexdigest()
    assert digest == SEED_SHA256[meta.region] == meta.sha256


def test_manifest_lists_the_five_documents_with_metadata():
    docs = {d.region: d for d in load_manifest(MANIFEST)}
    assert set(docs) == set(SEED_SHA256)
    assert docs["yancheng"].doc_number == "盐政办发〔2022〕58号"
    assert docs["shaoxing"].doc_number == "绍政发[2016]36号"
    assert docs["qinghai"].issued_on == "2022-05-11" and docs["qinghai"].published_on == "2022-05-20"
    assert docs["tibet"].level == "provincial" and docs["wuhu"].level == "prefecture"
