"""The run form reads datasets and configurations only inside settings.YIBAO_DATASET_ROOTS."""

import pytest
from django.urls import reverse

from yibao.monitoring.forms import find_datasets
from yibao.monitoring.models import ScreeningRun


@pytest.fixture
def roots(settings, tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.YIBAO_DATASET_ROOTS = [allowed]
    return allowed


def post(client, county, path, config=""):
    return client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(path), "engine": "duckdb", "config_path": str(config)})


def test_a_dataset_outside_the_allowed_folders_is_refused_and_nothing_is_queued(client, analyst, county, roots,
                                                                                dataset_dir):
    client.force_login(analyst)
    page = post(client, county, dataset_dir).content.decode()
    assert "数据集目录不在允许的目录内" in page and str(roots) in page
    assert not ScreeningRun.objects.exists()


def test_dotdot_and_links_out_of_the_allowed_folders_are_refused(client, analyst, county, roots, dataset_dir):
    client.force_login(analyst)
    (roots / "link").symlink_to(dataset_dir, target_is_directory=True)
    for path in (roots / "link", roots / ".." / dataset_dir.relative_to(roots.parent)):
        assert "数据集目录不在允许的目录内" in post(client, county, path).content.decode()
    assert not ScreeningRun.objects.exists()


def test_a_dataset_inside_the_allowed_folders_is_screened(client, analyst, county, roots, dataset_dir, settings,
                                                           jobs_inline):
    inside = roots / "2025-03"
    dataset_dir.rename(inside)
    client.force_login(analyst)
    response = post(client, county, inside)
    run = ScreeningRun.objects.get()
    assert response.status_code == 302 and run.dataset_path == str(inside.resolve())


def test_a_configuration_outside_the_allowed_folders_is_refused(client, analyst, county, roots, dataset_dir,
                                                                tmp_path):
    inside = roots / "d"
    dataset_dir.rename(inside)
    config = tmp_path / "rules.yaml"
    config.write_text("enabled: [R01]\n", encoding="utf-8")
    client.force_login(analyst)
    assert "配置文件不在允许的目录内" in post(client, county, inside, config).content.decode()


def test_the_form_suggests_the_datasets_found_under_the_allowed_folders(client, analyst, roots, dataset_dir):
    (roots / "2025" / "03").mkdir(parents=True)
    dataset_dir.rename(roots / "2025" / "03" / "claims")
    (roots / "empty").mkdir()
    assert find_datasets() == [roots.resolve() / "2025" / "03" / "claims"]
    client.force_login(analyst)
    page = client.get(reverse("monitoring:run_create")).content.decode()
    assert f'<option value="{roots.resolve() / "2025" / "03" / "claims"}">' in page and 'list="dataset-choices"' in page
