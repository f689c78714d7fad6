"""``python -m bedrock_conformance``: the ``bedrock-conformance`` command."""

from .cli import main

raise SystemExit(main())
