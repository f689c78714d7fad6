"""The conformance suites; the wheel installs them as ``bedrock_conformance.suites`` (for ``pytest --pyargs``)."""
