"""The project's own tests run under its Hypothesis profiles (dev, ci, thorough); users' tests never do."""

from __future__ import annotations

from bedrock_conformance._profiles import register_profiles

register_profiles()
