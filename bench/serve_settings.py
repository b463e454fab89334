"""archive.settings with STATIC_ROOT taken from the environment, for bench/serve_load.sh.

Production runs `collectstatic` into BASE_DIR/staticfiles (whitenoise's manifest storage needs
the manifest when DEBUG is off); the load test collects into a temporary folder instead so that
it leaves nothing in the work tree. Nothing else differs from archive.settings.
"""

import os
from pathlib import Path

from archive.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
