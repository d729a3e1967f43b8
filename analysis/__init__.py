"""Cross-region comparative analytics for Chinese health-reform policy documents."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
MANIFEST = RAW_DIR / "documents.yml"

# Below this many documents a worker process costs more (starting, sending tables) than it saves:
# the build reads, finds shared wording, codes and writes in one process.
PARALLEL_FROM = 16
