import re
import pytest
from django.urls import reverse

@pytest.mark.parametrize("name", ["deep-dive", "why-it-matters", "visualize", "analogy"])
def test_smoke(client, course, name, django_assert_max_num_queries):
    url = reverse(f"courses:{name}", args=["production-readiness"])
    r = client.get(url)
    assert r.status_code == 200, r.content.decode()[:3000]
    open(f"/tmp/{name}.html", "w").write(r.content.decode())
