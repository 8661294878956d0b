"""Test settings: the real settings, plus a fast password hasher, plain static storage, a throw-away
data folder and the middleware that records which URL patterns the tests exercised."""

import os
import tempfile

os.environ.setdefault("PRESALES_ALLOW_INSECURE_KEY", "1")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist worker gets its own data folder (uploads, backups, caches): the controller's
    # environment, inherited by the workers, would otherwise give them one folder to share.
    os.environ["PRESALES_DATA_DIR"] = tempfile.mkdtemp(prefix=f"presales-test-{os.environ['PYTEST_XDIST_WORKER']}-")
else:
    os.environ.setdefault("PRESALES_DATA_DIR", tempfile.mkdtemp(prefix="presales-test-"))
os.environ.setdefault("STATIC_MANIFEST", "0")

from presales.settings import *  # noqa: E402,F403
from presales.settings import MIDDLEWARE  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MIDDLEWARE = [*MIDDLEWARE, "tests.kit.UrlRecorderMiddleware"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "zh-hans"
# The outline drafter's language model is never called by the tests (a test that checks the
# adapter points it at a receiver of its own on 127.0.0.1).
PRESALES_OUTLINE_LLM_URL = ""
