"""Checks every page test shares."""


def page_text(response, status: int = 200) -> str:
    """The response's HTML, after checking it answered with `status`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.content.decode()
