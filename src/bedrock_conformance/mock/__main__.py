"""``python -m bedrock_conformance.mock``: the same as ``bedrock-conformance mock``."""

from __future__ import annotations

import argparse
import sys

from ._cli import add_arguments, run


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bedrock_conformance.mock", description=run.__doc__)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
