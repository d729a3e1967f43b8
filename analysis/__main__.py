import gc
import sys

if __name__ == "__main__":
    # The build makes millions of small objects, most alive to the end: the cyclic collector's
    # default (a pass every 700 allocations, ever longer full passes over what lives) took 0.1 s of
    # the five documents' 1.6 s. Passes a seventieth as often keep the memory it frees as low.
    gc.set_threshold(50_000, 50, 100)

from analysis.cli import main  # noqa: E402 - after the collector's setting, which the imports run under

if __name__ == "__main__":    # worker processes (forkserver) import this module too; they must not build
    code = main()
    gc.freeze()     # at exit the collector would walk every object still alive once more (0.07 s)
    sys.exit(code)
