import sys

from analysis.cli import main

if __name__ == "__main__":    # worker processes (forkserver) import this module too; they must not build
    sys.exit(main())
