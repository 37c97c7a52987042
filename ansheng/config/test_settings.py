"""Settings for the test suite: the production settings with a temporary data directory and fast hashing."""

import os
import tempfile

os.environ.setdefault("ANSHENG_MODE", "test")
os.environ.setdefault("ANSHENG_DATA_DIR", tempfile.mkdtemp(prefix="ansheng-test-"))
os.environ.setdefault("ANSHENG_WORKERS_IN_PROCESS", "false")

from ansheng.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production keeps PBKDF2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Test databases are emptied between tests; the append-only triggers are installed by the tests that check them.
AUDIT_TRIGGERS = False

from pathlib import Path as _Path  # noqa: E402

_Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns about a missing root)
