"""The operator's documentation keeps up with the code: every environment variable that settings.py
reads is listed in docs/deployment.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "presales" / "settings.py"
DEPLOYMENT = ROOT / "docs" / "deployment.md"

# os.environ.get("X"...), os.environ["X"], os.getenv("X"), and the env_bool / env_list helpers.
ENV_READ = re.compile(
    r"""(?:os\.environ(?:\.get)?\(|os\.environ\[|os\.getenv\(|env_\w+\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def env_vars_read_by_settings() -> set[str]:
    return set(ENV_READ.findall(SETTINGS.read_text(encoding="utf-8")))


def test_the_scanner_sees_the_settings_variables():
    found = env_vars_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL"} <= found


def test_every_environment_variable_is_documented():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", DEPLOYMENT.read_text(encoding="utf-8")))
    missing = sorted(env_vars_read_by_settings() - documented)
    assert not missing, f"read in settings.py but not documented in docs/deployment.md: {missing}"
