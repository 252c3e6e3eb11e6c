"""Shared set-up for the atheris targets: the project on sys.path, quiet logging."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.disable(logging.CRITICAL)  # parsers log every malformed input; the fuzzer needs speed
