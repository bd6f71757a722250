"""The benchmark's baseline pages exist only where the benchmark turns them on."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/bench/b1/", "/bench/b2/"])
def test_the_baseline_pages_are_not_served_unless_the_benchmark_asks(client, path):
    assert client.get(path).status_code == 404


def test_the_table_baseline_is_drawn_in_the_base_template(rf):
    from core import bench

    response = bench.table(rf.get("/bench/b2/"))
    body = response.content.decode()
    assert body.count("<tr>") == 26  # the header and 25 rows
    assert 'class="navbar' in body
