"""The module contract (docs/architecture.md): the core never names a module — no import, no dotted string —
except in the composition root (prm/urls.py, prm/settings.py); a module adds its URLs, API, beat entries, demo
data and file purposes through the core's registries (prm.modules); import-linter holds the layers."""

import ast
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from prm.celery import app as celery_app
from prm.files.models import StoredFile
from prm.files.services import stored_file_create
from prm.tenancy.context import tenant_scope

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("pos", "partners", "dealreg", "mdf", "incentives", "inventory", "analytics")
COMPOSITION_ROOT = {ROOT / "prm" / "urls.py", ROOT / "prm" / "settings.py"}
# A module's dotted path ("pos.tasks.x"), URL namespace ("pos:import_list") or table ("pos_posline") inside any
# string literal.
DOTTED_MODULE_NAME = re.compile(rf"(?<![\w.])({'|'.join(MODULES)})[.:_][A-Za-z_]")


def names_of_modules_in(source):
    """(line, what) for every import of a module and every string naming one, in Python source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
            found += [(node.lineno, f"import {name}") for name in names if name.split(".")[0] in MODULES]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED_MODULE_NAME.search(node.value):
            found.append((node.lineno, node.value))
    return sorted(found)


def test_the_check_finds_imports_and_dotted_strings_but_not_prose():
    source = (
        "import pos.models\nfrom analytics import x\nfrom prm import partners_view\n"
        "T = 'pos.tasks.run'\nU = reverse('pos:import_list')\nV = 'partners@acme.test, our partners: all'\n"
        "W = ('pos_posline', 'pos_line_date_brin')\n"
    )
    assert names_of_modules_in(source) == [
        (1, "import pos.models"),
        (2, "import analytics"),
        (4, "pos.tasks.run"),
        (5, "pos:import_list"),
        (7, "pos_line_date_brin"),
        (7, "pos_posline"),
    ]


def test_the_core_names_no_module_outside_the_composition_root():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sorted((ROOT / "prm").rglob("*.py"))
        # Migrations are history: the first files migration still lists a purpose POS registers today.
        if path not in COMPOSITION_ROOT and "migrations" not in path.parts
        for line, what in names_of_modules_in(path.read_text())
    ]
    assert offenders == []


def test_the_cores_templates_link_to_no_modules_page():
    module_url = re.compile(rf"""\{{%\s*url\s+['"]({"|".join(MODULES)}):""")
    templates = ROOT / "templates"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(templates.rglob("*.html"))
        if path.relative_to(templates).parts[0] not in MODULES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if module_url.search(line)
    ]
    assert offenders == []


def test_a_modules_navigation_links_show_to_their_audience(world):
    vendor_page = world.client(world.alice).get("/").content.decode()
    partner_page = world.client(world.pat).get("/").content.decode()

    assert '<a class="nav-link" href="/pos/imports/">POS data</a>' in vendor_page  # registered in pos/apps.py
    assert '<a class="nav-link" href="/pos/imports/">Sales reports</a>' in partner_page
    assert "Sales reports" not in vendor_page
    assert "POS data" not in partner_page


def test_the_import_contracts_are_kept():
    lint = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "0 broken" in lint.stdout


def test_a_modules_beat_entry_reaches_the_database_scheduler(committed_db):  # the scheduler commits, as in beat
    entry = celery_app.conf.beat_schedule["requeue-stalled-pos-imports"]  # registered in pos/apps.py
    assert entry["task"] == "pos.tasks.requeue_stalled_pos_imports"
    assert "clear-expired-sessions" in celery_app.conf.beat_schedule  # the core's own, from the settings

    DatabaseScheduler(app=celery_app, lazy=False)  # what `celery beat` does when it starts

    task = PeriodicTask.objects.get(name="requeue-stalled-pos-imports")
    every = (task.interval.every, task.interval.period)
    assert (task.task, task.enabled, every) == ("pos.tasks.requeue_stalled_pos_imports", True, (30, "seconds"))


def test_a_file_purpose_is_the_cores_or_registered_by_a_module(world):
    purposes = dict(StoredFile._meta.get_field("purpose").choices)
    assert {"logo", "catalog_import", "pos_import"} <= set(purposes)  # pos_import: pos/apps.py
    assert "pos_import" not in StoredFile.Purpose.values  # not the core's

    with tenant_scope(world.tenant_a):
        with pytest.raises(ValueError, match="unknown file purpose 'nobody_registered_this'"):
            stored_file_create(
                upload=SimpleUploadedFile("a.csv", b"a,b\n1,2\n"), purpose="nobody_registered_this", allowed={"csv"}
            )
        assert not StoredFile.objects.filter(purpose="nobody_registered_this").exists()
        stored = stored_file_create(
            upload=SimpleUploadedFile("a.csv", b"a,b\n1,2\n"), purpose="pos_import", allowed={"csv"}
        )
        assert stored.get_purpose_display() == "Sales-out report"


def test_a_modules_api_keeps_its_paths_and_names_and_unknown_paths_under_it_get_the_json_404(world):
    assert reverse("pos-import-list") == "/api/v1/pos/imports/"
    assert reverse("pos-line-list") == "/api/v1/pos/lines/"
    job_id = uuid.uuid4()
    assert reverse("pos-import-rejects", args=[job_id]) == f"/api/v1/pos/imports/{job_id}/rejects.csv"

    response = world.client(world.alice).get("/api/v1/pos/no-such-resource/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
