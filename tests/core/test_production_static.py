"""Production mode serves pages: static files collected with whitenoise's manifest storage (as
`collectstatic` does in a deployment), DEBUG off, and the login page answers 200 with hashed asset
URLs. The rest of the suite uses the plain storage, so without this test a vendored file that names
a missing source map would break every page in production unnoticed."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

MANIFEST_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """Collected once for the module: compressing every asset takes about half a minute."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST_STORAGES, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.mark.django_db
def test_collectstatic_with_manifest_writes_a_manifest(collected_static):
    assert (collected_static / "staticfiles.json").is_file()
    # Every vendored asset is there under its hashed name, compressed too.
    names = {p.name for p in (collected_static / "vendor" / "bootstrap").iterdir()}
    assert any(re.fullmatch(r"bootstrap\.bundle\.min\.[0-9a-f]{12}\.js", n) for n in names)
    assert any(n.endswith(".js.gz") for n in names)


@pytest.mark.django_db
def test_login_page_answers_200_in_production_mode(collected_static, client):
    with override_settings(DEBUG=False, STATIC_ROOT=collected_static, STORAGES=MANIFEST_STORAGES):
        response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    # The page links the hashed names from the manifest, not the source names.
    assert re.search(r'/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css', html)
